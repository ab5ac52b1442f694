import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { FailureKind } from '@gateway/resilience';
import { answeredByBackend, BackendUnavailableError } from './backend-errors.js';

/** Errors raised before a request left the gateway: the SDK without a transport, a stdio pipe already closed. */
const NOT_SENT_MESSAGES: ReadonlySet<string> = new Set(['Not connected', 'backend process is not running']);
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN']);

/** Tells the resilience policies what a failed backend request means (see FailureKind). */
export function classifyFailure(error: unknown): FailureKind {
  if (answeredByBackend(error)) return 'answered';
  if (error instanceof McpError && error.code === Number(ErrorCode.RequestTimeout)) return 'timeout';
  if (error instanceof BackendUnavailableError) return 'unsent';
  // Thrown by the gateway's own JSON.stringify of the request (a stack overflow on deep nesting): the request is bad.
  if (error instanceof RangeError) return 'rejected';
  if (error instanceof Error) {
    if (NOT_SENT_MESSAGES.has(error.message)) return 'unsent';
    const code = (error.cause as { code?: unknown } | undefined)?.code;
    if (typeof code === 'string' && NOT_SENT_CODES.has(code)) return 'unsent';
  }
  return 'failed';
}
