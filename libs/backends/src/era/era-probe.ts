import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { MODERN_PROTOCOL_VERSION, supportedVersionsOf } from './modern-protocol.js';

/** How a `server/discover` probe ended. */
export type ProbeOutcome =
  | { kind: 'result'; supportedVersions: string[] }
  /** The server answered with a JSON-RPC error. */
  | { kind: 'error'; code: number; data?: unknown }
  /** An HTTP status without a JSON-RPC answer to the probe (a legacy server's 400 "no session", 404, 405). */
  | { kind: 'http'; status: number }
  | { kind: 'timeout' }
  /** The connection (a stdio process) ended before answering. */
  | { kind: 'closed' };

/**
 * What a probe says, by the specification's client rules. `modern`: the server offers our revision. `legacy`: speak
 * `initialize` (on stdio any error that is not modern evidence, or silence; on HTTP a refusal without modern
 * evidence). `respawn`: a stdio process that exited on the probe is a legacy server that dislikes unknown requests
 * before `initialize`: start it again and initialize. `unavailable`: nothing was learned (HTTP silence or a cut
 * connection), so the connect fails like any other.
 */
export type ProbeVerdict = 'modern' | 'legacy' | 'respawn' | 'unavailable';

export function probeVerdict(outcome: ProbeOutcome, transport: 'stdio' | 'http'): ProbeVerdict {
  switch (outcome.kind) {
    case 'result':
      return outcome.supportedVersions.includes(MODERN_PROTOCOL_VERSION) ? 'modern' : 'legacy';
    case 'error':
      // -32022 naming our revision can only be a modern server refusing something else of the probe; naming only
      // older revisions, it is a legacy server that knows the modern error.
      return supportedVersionsOf(outcome.data).includes(MODERN_PROTOCOL_VERSION) ? 'modern' : 'legacy';
    case 'http':
      return 'legacy';
    case 'timeout':
      return transport === 'stdio' ? 'legacy' : 'unavailable';
    case 'closed':
      return transport === 'stdio' ? 'respawn' : 'unavailable';
  }
}

/** The outcome a failed probe request stands for; undefined for failures that are not answers (network errors). */
export function probeOutcomeOf(error: unknown): ProbeOutcome | undefined {
  if (error instanceof McpError) {
    const code: number = error.code;
    if (code === (ErrorCode.RequestTimeout as number)) return { kind: 'timeout' };
    if (code === (ErrorCode.ConnectionClosed as number)) return { kind: 'closed' };
    return { kind: 'error', code: error.code, data: error.data };
  }
  if (error instanceof StreamableHTTPError && error.code !== undefined && error.code >= 400) {
    return { kind: 'http', status: error.code };
  }
  return undefined;
}
