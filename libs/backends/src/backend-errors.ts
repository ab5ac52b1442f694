import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { redactSecretText } from '@gateway/config';

/** A backend request failed for a reason of the backend's (not a JSON-RPC error it answered with). */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`backend "${backend}" is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

const LOCAL_FAILURES: ReadonlySet<number> = new Set([ErrorCode.ConnectionClosed, ErrorCode.RequestTimeout]);

/**
 * True when the backend itself answered with a JSON-RPC error: the backend is working. False for failures of the
 * connection, timeouts and spawn errors, which the SDK also reports as McpError codes of its own.
 */
export function answeredByBackend(error: unknown): error is McpError {
  return error instanceof McpError && !LOCAL_FAILURES.has(error.code);
}

/**
 * The backend no longer knows our session. The spec says 404; many servers (server-everything among them) answer
 * 400 "No valid session ID". Either way the request was refused unprocessed, so re-initializing and resending is safe.
 */
export function isExpiredSession(error: unknown): boolean {
  return error instanceof StreamableHTTPError && (error.code === 404 || error.code === 400);
}

/** A failure in a line: the message without repeated "MCP error <code>:" prefixes, plus the root cause's code. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return redactSecretText(String(error));
  const message = error.message.replace(/^(MCP error -?\d+: )+/, '');
  let cause: unknown = (error as Error & { cause?: unknown }).cause;
  let innermost: string | undefined;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    const code = (cause as Error & { code?: string }).code;
    if (code) return redactSecretText(`${message} (${code})`);
    innermost = cause.message;
    cause = (cause as Error & { cause?: unknown }).cause;
  }
  // "fetch failed" alone says nothing; its cause (say, "bad port") does.
  const text = innermost && innermost !== message ? `${message} (${innermost})` : message;
  // An HTTP error body or a server's own message may name a credential (`db password=...`).
  return redactSecretText(text);
}
