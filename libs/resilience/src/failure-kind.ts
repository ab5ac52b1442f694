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
