import type { ClientCapabilities, Result } from '@modelcontextprotocol/sdk/types.js';
import type { SessionModeSetting } from '@gateway/config';

/**
 * The client session on whose behalf a backend request is made. Implemented by the MCP surface (one per
 * downstream session); the backends lib only calls it to reach that one client.
 */
export interface DownstreamClient {
  /** Stable id of the downstream MCP session (for a modern, sessionless client: an id of its request chain). */
  readonly sessionId: string;
  /**
   * The protocol era the client speaks: `legacy` (2025-11-25 and earlier: initialize, a session, server-to-client
   * requests on its streams) or `modern` (2026-07-28: stateless, `input_required` results instead of server-to-client
   * requests). Absent means legacy. A modern backend's `input_required` result is returned untouched to a modern
   * client (its retry carries `inputResponses` and `requestState` back); for a legacy client the gateway turns it
   * into `request()` calls and retries the backend itself.
   */
  readonly era?: 'legacy' | 'modern';
  /** What the downstream client declared at initialize. */
  readonly capabilities: ClientCapabilities;
  /** A server-to-client request (sampling, elicitation, roots) to this client, on the stream of the call that caused it. */
  request(method: string, params: Record<string, unknown> | undefined, signal: AbortSignal): Promise<Result>;
  /** A notification for this client (logging, resource updates, list changes). */
  notify(method: string, params: Record<string, unknown> | undefined): Promise<void>;
  /** Called once when the downstream session ends. */
  onClose(listener: () => void): void;
}

/** One definition: the config's (backends.<name>.session_mode). */
export type SessionMode = SessionModeSetting;

/** The client capabilities a backend may use to call back into the client; only these are ever advertised. */
export function callbackCapabilities(capabilities: ClientCapabilities): ClientCapabilities {
  const { sampling, elicitation, roots } = capabilities;
  return {
    ...(sampling ? { sampling } : {}),
    ...(elicitation ? { elicitation } : {}),
    ...(roots ? { roots } : {}),
  };
}

/**
 * Whether a client session gets a backend connection of its own. A shared connection cannot tell which session a
 * backend's sampling, elicitation or roots request belongs to, so under `auto` a session that can answer them gets
 * its own; sessions that cannot share one connection, which never advertises those capabilities.
 */
export function wantsOwnConnection(mode: SessionMode, downstream: DownstreamClient | undefined): boolean {
  if (!downstream || mode === 'shared') return false;
  if (mode === 'per_client') return true;
  return Object.keys(callbackCapabilities(downstream.capabilities)).length > 0;
}
