import { BackendUnavailableError, describe } from '@gateway/backends';
import { ResilienceError } from '@gateway/resilience';

/**
 * Tool-error text for a backend request that got no JSON-RPC answer. A policy's own refusal (circuit open, rate
 * limit, busy, timeout, not retried) already says what happened and when to try again; anything else is the
 * backend being unavailable, followed by `hint`.
 */
export function backendFailureText(server: string, error: unknown, hint: string): string {
  if (error instanceof ResilienceError) return `Server ${server} ${error.reason}`;
  const reason = error instanceof BackendUnavailableError ? error.reason : describe(error);
  return `Server ${server} is unavailable: ${reason}. ${hint}`;
}
