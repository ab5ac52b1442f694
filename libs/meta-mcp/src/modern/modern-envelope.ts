import type { IncomingHttpHeaders } from 'node:http';
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  classifyInboundRequest,
  LOG_LEVEL_META_KEY,
  PROTOCOL_VERSION_META_KEY,
  RELATED_TASK_META_KEY,
} from '@modelcontextprotocol/server';
import { SUPPORTED_PROTOCOL_VERSIONS } from '@modelcontextprotocol/sdk/types.js';
import { MODERN_PROTOCOL_VERSION } from '@gateway/backends';
import type { ClientCapabilities, JSONRPCRequest, LoggingLevel } from '@modelcontextprotocol/sdk/types.js';

/** The stateless revision served beside the legacy (initialize + session) ones: the one the gateway speaks upstream. */
export { MODERN_PROTOCOL_VERSION };
export const MODERN_PROTOCOL_VERSIONS: readonly string[] = [MODERN_PROTOCOL_VERSION];
/** Every revision /mcp and /mcp/{backend} speak, newest first (server/discover's supportedVersions). */
export const ALL_PROTOCOL_VERSIONS: readonly string[] = [MODERN_PROTOCOL_VERSION, ...SUPPORTED_PROTOCOL_VERSIONS];

export const ModernErrorCode = {
  /** SEP-2243 HeaderMismatch: an Mcp-* header missing or disagreeing with the body. */
  HeaderMismatch: -32020,
  UnsupportedProtocolVersion: -32022,
  InvalidParams: -32602,
  MethodNotFound: -32601,
} as const;

/** A modern request refused before it is served: the HTTP status and the JSON-RPC error. */
export interface ModernRejection {
  readonly status: number;
  readonly code: number;
  readonly message: string;
  readonly data?: unknown;
}

export type Classified =
  | { readonly kind: 'legacy' }
  | { readonly kind: 'modern-request'; readonly message: JSONRPCRequest }
  | { readonly kind: 'modern-notification'; readonly method: string; readonly params?: Record<string, unknown> }
  | ({ readonly kind: 'reject' } & ModernRejection);

/** Which body field the Mcp-Name header mirrors, per method (SEP-2243 "Required For"). */
const NAME_SOURCE: Record<string, string> = { 'tools/call': 'name', 'prompts/get': 'name', 'resources/read': 'uri' };

/**
 * The envelope keys that describe the connection rather than the request: a legacy backend has its session, a modern
 * one gets the gateway's version and client info. The client's capabilities and log level stay: a modern backend
 * asks (input_required) and logs by them.
 */
const ENVELOPE_KEYS = [PROTOCOL_VERSION_META_KEY, CLIENT_INFO_META_KEY];

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const value = headers[name];
  return typeof value === 'string' ? value.trim() : undefined;
};

/**
 * The dual-era server rule of 2026-07-28, by the SDK's own classifier: a POST whose body claims the per-request
 * `_meta` envelope is modern (served statelessly); `initialize` and anything without a claim is legacy, as before.
 * A modern request then has its version and its Mcp-* headers checked against the body.
 */
export function classify(method: string, headers: IncomingHttpHeaders, body: unknown): Classified {
  const known = method === 'POST' ? knownModernRequest(headers, body) : undefined;
  if (known) {
    const mismatch = headerMismatch(headers, known.message, MODERN_PROTOCOL_VERSION);
    return mismatch ? { kind: 'reject', ...mismatch } : { kind: 'modern-request', message: known.message };
  }
  const outcome = classifyInboundRequest({
    httpMethod: method,
    protocolVersionHeader: header(headers, 'mcp-protocol-version'),
    mcpMethodHeader: header(headers, 'mcp-method'),
    mcpNameHeader: header(headers, 'mcp-name'),
    body,
  });
  if (outcome.kind === 'legacy') return { kind: 'legacy' };
  if (outcome.kind === 'reject') {
    return {
      kind: 'reject',
      status: outcome.httpStatus,
      code: outcome.code,
      message: outcome.message,
      data: outcome.data,
    };
  }
  const revision = outcome.classification.revision;
  if (revision === undefined || !MODERN_PROTOCOL_VERSIONS.includes(revision)) {
    return {
      kind: 'reject',
      status: 400,
      code: ModernErrorCode.UnsupportedProtocolVersion,
      message:
        `Unsupported protocol version ${revision ?? '(none)'}: this gateway serves ${MODERN_PROTOCOL_VERSION} ` +
        `per request, and ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')} through initialize`,
      data: { supported: [...ALL_PROTOCOL_VERSIONS], requested: revision ?? 'unknown' },
    };
  }
  if (outcome.messageKind === 'notification') {
    return { kind: 'modern-notification', method: outcome.message.method, params: outcome.message.params };
  }
  rememberEnvelope(outcome.message);
  const mismatch = headerMismatch(headers, outcome.message, revision);
  return mismatch ? { kind: 'reject', ...mismatch } : { kind: 'modern-request', message: outcome.message };
}

/**
 * The SDK's classifier validates the whole message with zod on every request (about a tenth of a millisecond, more
 * than the rest of a modern call's own work). Its answer for a request depends on the message's JSON-RPC shape, the
 * method, the headers and the envelope's reserved keys, and clients send the same envelope on every request: so an
 * envelope the SDK once accepted is remembered (by its reserved keys' JSON), and a later request whose shape is
 * plainly a JSON-RPC request (checked below, stricter than the SDK's schema) and whose headers agree with its body is
 * known modern without asking again. Anything else, every rejection included, still goes to the SDK.
 */
const acceptedEnvelopes = new Set<string>();
const MAX_REMEMBERED_ENVELOPES = 1024;
const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The envelope's reserved keys as JSON (a JSON body has no undefined values: an absent key is left out). */
function envelopeKey(meta: Record<string, unknown>): string {
  return JSON.stringify({
    v: meta[PROTOCOL_VERSION_META_KEY],
    i: meta[CLIENT_INFO_META_KEY],
    c: meta[CLIENT_CAPABILITIES_META_KEY],
    l: meta[LOG_LEVEL_META_KEY],
  });
}

/** The request's `_meta` when the message is plainly a JSON-RPC request with a 2026-07-28 claim, else undefined. */
function plainModernMeta(body: unknown): Record<string, unknown> | undefined {
  if (!isPlainObject(body) || body.jsonrpc !== '2.0' || typeof body.method !== 'string') return undefined;
  if (body.method === 'initialize') return undefined;
  const id = body.id;
  if (typeof id !== 'string' && !Number.isSafeInteger(id)) return undefined;
  for (const key in body) if (!REQUEST_KEYS.has(key)) return undefined;
  const meta = isPlainObject(body.params) ? body.params._meta : undefined;
  if (!isPlainObject(meta) || meta[PROTOCOL_VERSION_META_KEY] !== MODERN_PROTOCOL_VERSION) return undefined;
  if (RELATED_TASK_META_KEY in meta) return undefined;
  const token = meta.progressToken;
  if (token !== undefined && typeof token !== 'string' && !Number.isSafeInteger(token)) return undefined;
  return meta;
}

function rememberEnvelope(message: JSONRPCRequest): void {
  const meta = plainModernMeta(message);
  if (!meta) return;
  if (acceptedEnvelopes.size >= MAX_REMEMBERED_ENVELOPES) acceptedEnvelopes.clear();
  acceptedEnvelopes.add(envelopeKey(meta));
}

/** A request the SDK would classify as modern (see acceptedEnvelopes), or undefined to ask the SDK. */
function knownModernRequest(headers: IncomingHttpHeaders, body: unknown): { message: JSONRPCRequest } | undefined {
  const meta = plainModernMeta(body);
  if (!meta || !acceptedEnvelopes.has(envelopeKey(meta))) return undefined;
  const message = body as JSONRPCRequest;
  const version = header(headers, 'mcp-protocol-version');
  if (version !== undefined && version !== MODERN_PROTOCOL_VERSION) return undefined;
  const method = header(headers, 'mcp-method');
  if (method !== undefined && method !== message.method) return undefined;
  return { message };
}

/** MCP-Protocol-Version, Mcp-Method and (where the method has a name) Mcp-Name must be present and match the body. */
function headerMismatch(
  headers: IncomingHttpHeaders,
  message: JSONRPCRequest,
  revision: string,
): ModernRejection | undefined {
  const version = header(headers, 'mcp-protocol-version');
  if (version !== revision) {
    return mismatch('MCP-Protocol-Version', version, `the body's _meta names protocol version ${revision}`);
  }
  const method = header(headers, 'mcp-method');
  if (method !== message.method) return mismatch('Mcp-Method', method, `the body's method is ${message.method}`);
  const field = NAME_SOURCE[message.method];
  const value = field ? message.params?.[field] : undefined;
  if (typeof value !== 'string') return undefined;
  const name = header(headers, 'mcp-name');
  if (name !== value) return mismatch('Mcp-Name', name, `the body's params.${field} is ${JSON.stringify(value)}`);
  return undefined;
}

function mismatch(name: string, value: string | undefined, body: string): ModernRejection {
  const got = value === undefined ? 'is missing' : `says ${JSON.stringify(value)}`;
  return {
    status: 400,
    code: ModernErrorCode.HeaderMismatch,
    message: `Header mismatch: the ${name} header ${got}, but ${body}; send the header with the body's value`,
    data: { mismatch: { header: name, value: value ?? null } },
  };
}

/** What the request's `_meta` envelope says about its client. */
export interface Envelope {
  readonly capabilities: ClientCapabilities;
  /** The client's self-reported name (clientInfo): it tells one client's backend connection from another's. */
  readonly clientName: string;
  readonly logLevel?: LoggingLevel;
}

export function envelopeOf(params: Record<string, unknown> | undefined): Envelope {
  const meta = (params?._meta ?? {}) as Record<string, unknown>;
  const capabilities = meta[CLIENT_CAPABILITIES_META_KEY];
  const level = meta[LOG_LEVEL_META_KEY];
  const info = meta[CLIENT_INFO_META_KEY] as { name?: unknown } | undefined;
  return {
    clientName: typeof info?.name === 'string' ? info.name : '',
    capabilities: typeof capabilities === 'object' && capabilities !== null ? capabilities : {},
    logLevel: typeof level === 'string' ? (level as LoggingLevel) : undefined,
  };
}

/**
 * The params a backend is sent: the client's protocol version and client info removed, everything else of `_meta`
 * kept (client capabilities, log level, progressToken, traceparent, tracestate, baggage).
 */
export function withoutEnvelope(params: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  const meta = params?._meta as Record<string, unknown> | undefined;
  if (!meta) return params;
  const kept = Object.fromEntries(Object.entries(meta).filter(([key]) => !ENVELOPE_KEYS.includes(key)));
  const { _meta: _dropped, ...rest } = params!;
  return Object.keys(kept).length > 0 ? { ...rest, _meta: kept } : rest;
}
