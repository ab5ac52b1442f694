import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  PROTOCOL_VERSION_META_KEY,
} from '@modelcontextprotocol/client';
import type { ClientCapabilities, Implementation, Result } from '@modelcontextprotocol/sdk/types.js';

/** The protocol era a backend speaks: `legacy` (2025-11-25, initialize and a session) or `modern` (2026-07-28). */
export type BackendEra = 'legacy' | 'modern';

/** The modern revision the gateway speaks to backends. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';
export const LEGACY_PROTOCOL_VERSION = '2025-11-25';

// The reserved `_meta` keys of the 2026-07-28 per-request envelope, as SDK 2.x names them.
export {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  SUBSCRIPTION_ID_META_KEY,
} from '@modelcontextprotocol/client';

/** UnsupportedProtocolVersionError: its `data.supported` lists the versions the server speaks. */
export const UNSUPPORTED_PROTOCOL_VERSION = -32022;

/**
 * `params` with the per-request envelope in `_meta`: version, client info and capabilities. Keys the caller set
 * already win (a bridged call declares the capabilities of the client it serves).
 */
export function withEnvelope(
  params: Record<string, unknown> | undefined,
  clientInfo: Implementation,
  capabilities: ClientCapabilities = {},
): Record<string, unknown> {
  const meta = (params?._meta as Record<string, unknown> | undefined) ?? {};
  return {
    ...params,
    _meta: {
      [PROTOCOL_VERSION_META_KEY]: MODERN_PROTOCOL_VERSION,
      [CLIENT_INFO_META_KEY]: clientInfo,
      [CLIENT_CAPABILITIES_META_KEY]: capabilities,
      ...meta,
    },
  };
}

/** One request the server needs answered before it can finish (a `sampling/createMessage`, `elicitation/create` or `roots/list`). */
export interface InputRequest {
  method: string;
  params?: Record<string, unknown>;
}

/** A modern server's "ask the client first" answer to tools/call, prompts/get or resources/read. */
export interface InputRequiredResult extends Result {
  resultType: 'input_required';
  inputRequests?: Record<string, InputRequest>;
  requestState?: string;
}

export function isInputRequired(result: Result): result is InputRequiredResult {
  return result.resultType === 'input_required';
}

/** The versions a -32022 error's data lists, if it lists any. */
export function supportedVersionsOf(data: unknown): string[] {
  const supported = (data as { supported?: unknown } | undefined)?.supported;
  return Array.isArray(supported) ? supported.filter((v): v is string => typeof v === 'string') : [];
}

/** Whether a version string names the modern era (2026-07-28 or later; versions are dates). */
export function isModernVersion(version: string): boolean {
  return /^\d{4}-\d{2}-\d{2}$/.test(version) && version >= MODERN_PROTOCOL_VERSION;
}
