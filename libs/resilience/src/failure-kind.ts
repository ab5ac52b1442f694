import type { CircuitLabel } from '@gateway/metrics';

/**
 * How a failed attempt looks to the policies. The backends lib knows its errors and classifies them:
 * - answered: the backend replied with a JSON-RPC error; it is working (never trips the breaker, never retried)
 * - unsent: failed before the request reached the backend (spawn failure, connection refused); always safe to retry
 * - failed: a transport failure after the request may have reached the backend; retried only when repeatable
 * - timeout: no answer within the request's timeout (already cancelled at the backend); never retried
 * - rejected: the request itself could not be sent as it is (the gateway could not serialize it: nested too deep);
 *   the client's error, answered with -32602, never retried and never counted against the backend
 */
export type FailureKind = 'answered' | 'unsent' | 'failed' | 'timeout' | 'rejected';

export type FailureClassifier = (error: unknown) => FailureKind;

/** A circuit's state, as the breaker reports it and the metrics label it (one definition: the label's). */
export type CircuitStateName = CircuitLabel;

/** How the breaker counts an error: against the backend, not at all, or as the backend working. */
export type Verdict = 'failure' | 'neutral' | 'success';

/** What became of a call through the policies, as metrics and logs count it. */
export type CallOutcome =
  'ok' | 'error' | 'failure' | 'timeout' | 'cancelled' | 'circuit_open' | 'rate_limited' | 'concurrency_limited';

/**
 * A failure classified once, for every policy and observer: what it is (`kind`: the backend's FailureKind, or
 * `cancelled` by the caller, or `refused` by a policy before anything was sent), whether sending it again may
 * help (`retryable`), what the call's `outcome` was, and how the breaker counts it.
 */
export interface FailureClass {
  kind: FailureKind | 'cancelled' | 'refused';
  retryable: boolean;
  outcome: CallOutcome;
  breaker: Verdict;
}

/** An error the gateway raised about a call, which knows its own class (the policies' errors). */
export interface ClassifiedError {
  readonly failureClass: FailureClass;
}

/** The gateway's own errors about a call carry their class; a backend's failure is classified by `classify`. */
export function isClassified(error: unknown): error is ClassifiedError {
  return typeof error === 'object' && error !== null && typeof (error as ClassifiedError).failureClass === 'object';
}

/**
 * The one classification of a failed call, used by retry, breaker, outcome (metrics, logs) and health checks.
 * `repeatable`: the request is safe to send twice (see isRepeatable), which makes a `failed` transport retryable.
 */
export function classifyCallFailure(error: unknown, classify: FailureClassifier, repeatable = false): FailureClass {
  if (isClassified(error)) return error.failureClass;
  const kind = classify(error);
  switch (kind) {
    case 'answered':
      return { kind, retryable: false, outcome: 'error', breaker: 'success' };
    case 'unsent':
      return { kind, retryable: true, outcome: 'failure', breaker: 'failure' };
    case 'failed':
      return { kind, retryable: repeatable, outcome: 'failure', breaker: 'failure' };
    case 'timeout':
      return { kind, retryable: false, outcome: 'timeout', breaker: 'failure' };
    case 'rejected':
      return { kind, retryable: false, outcome: 'error', breaker: 'neutral' };
  }
}
