import type { ClassifiedError, FailureClass } from './failure-kind.js';

/** A refusal by a policy before anything was sent: never retried here, never counted against the backend. */
const refused = (outcome: FailureClass['outcome']): FailureClass => ({
  kind: 'refused',
  retryable: false,
  outcome,
  breaker: 'neutral',
});

/**
 * Errors the resilience policies raise instead of (or around) a backend's own failure. Each names the backend and,
 * where it helps, when to try again. `reason` reads after a server name: `Server x ${reason}`.
 */
export abstract class ResilienceError extends Error implements ClassifiedError {
  /** JSON-RPC `data` for direct routes, so clients can act on it without parsing the message. */
  readonly data: Record<string, unknown>;
  /** What it is to the policies and metrics (see classifyCallFailure). */
  abstract readonly failureClass: FailureClass;

  protected constructor(
    readonly backend: string,
    readonly reason: string,
    data: Record<string, unknown> = {},
  ) {
    super(`backend "${backend}" ${reason}`);
    this.name = new.target.name;
    this.data = { backend, ...data };
  }
}

/** The breaker is open: the call was not sent. */
export class CircuitOpenError extends ResilienceError {
  readonly failureClass = refused('circuit_open');

  constructor(
    backend: string,
    readonly retryAfterMs: number,
    openedBecause: string,
    lastFailure: string | undefined,
  ) {
    const last = lastFailure ? ` (last: ${lastFailure.replace(/\.$/, '')})` : '';
    super(
      backend,
      `is unavailable: its circuit breaker ${openedBecause}${last}; ` +
        `the gateway tries it again in ${formatMs(retryAfterMs)} (at ${new Date(Date.now() + retryAfterMs).toISOString()}). ` +
        'Use another server meanwhile.',
      { retry_after_ms: retryAfterMs },
    );
  }
}

/** Over the backend's requests_per_second: the call was not sent. */
export class RateLimitedError extends ResilienceError {
  readonly failureClass = refused('rate_limited');

  constructor(
    backend: string,
    readonly retryAfterMs: number,
    perSecond: number,
    burst: number,
  ) {
    super(
      backend,
      `is rate limited: more than ${perSecond} request${perSecond === 1 ? '' : 's'} per second (burst ${burst}); ` +
        `retry in ${formatMs(retryAfterMs)}.`,
      { retry_after_ms: retryAfterMs },
    );
  }
}

/** Every slot and queue place is taken: the call was not sent. */
export class ConcurrencyLimitError extends ResilienceError {
  readonly failureClass = refused('concurrency_limited');

  constructor(backend: string, maxConcurrency: number, maxQueue: number) {
    super(
      backend,
      `is busy: ${maxConcurrency} requests running and ${maxQueue} queued (max_concurrency ${maxConcurrency}, ` +
        `max_queue ${maxQueue}); retry shortly.`,
    );
  }
}

/** No answer in time; the backend request was cancelled (notifications/cancelled). */
export class RequestTimeoutError extends ResilienceError {
  // Counts against the backend: it did not answer in time.
  readonly failureClass: FailureClass = { kind: 'timeout', retryable: false, outcome: 'timeout', breaker: 'failure' };

  constructor(backend: string, method: string, timeoutMs: number, cause?: unknown) {
    super(backend, `did not answer ${method} within ${formatMs(timeoutMs)}; the request was cancelled at the server.`, {
      timeout_ms: timeoutMs,
    });
    if (cause !== undefined) this.cause = cause;
  }
}

/** A transport failure after the request may have reached the backend, on a request that is not safe to repeat. */
export class NotRetriedError extends ResilienceError {
  // Raised after the breaker has counted the failure itself.
  readonly failureClass: FailureClass = { kind: 'failed', retryable: false, outcome: 'failure', breaker: 'neutral' };

  constructor(backend: string, method: string, failure: string, cause: unknown, tool?: string) {
    const what = tool
      ? `tool ${tool} may have run at the server (it is not annotated readOnlyHint or idempotentHint); ` +
        'check its effects before calling it again.'
      : 'it may have run at the server.';
    super(
      backend,
      `failed during ${tool ? `${method} ${tool}` : method}: ${failure}. Not retried: ${tool ? 'the ' : ''}${what}`,
    );
    this.cause = cause;
  }
}

/**
 * The request could not be sent as the client gave it (the gateway failed to serialize it): the client's error, so
 * a JSON-RPC -32602 on direct routes, and never a failure of the backend.
 */
export class RequestRejectedError extends ResilienceError {
  readonly failureClass: FailureClass = { kind: 'rejected', retryable: false, outcome: 'error', breaker: 'neutral' };
  /** The JSON-RPC error code the SDK answers with. */
  readonly code = -32602;

  constructor(backend: string, method: string, cause: unknown) {
    super(
      backend,
      `was not sent ${method}: the request cannot be serialized (${errorText(cause)}); ` +
        'send arguments that nest less deeply. The server was not called.',
    );
    this.cause = cause;
  }
}

/** The caller cancelled; never a backend failure. */
export class CallCancelledError extends Error implements ClassifiedError {
  readonly failureClass: FailureClass = {
    kind: 'cancelled',
    retryable: false,
    outcome: 'cancelled',
    breaker: 'neutral',
  };

  constructor(
    readonly backend: string,
    method: string,
  ) {
    super(`${method} to backend "${backend}" was cancelled by the client`);
    this.name = 'CallCancelledError';
  }
}

function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.round(ms))}ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)}s`;
}

/**
 * An error in a line, without the backend's name (the caller says it): a `reason` where the error has one (the
 * policies' errors, BackendUnavailableError), else the message without the SDK's "MCP error <code>:" prefixes.
 */
export function errorText(error: unknown): string {
  const reason = (error as { reason?: unknown } | undefined)?.reason;
  if (typeof reason === 'string') return reason;
  if (!(error instanceof Error)) return String(error);
  return error.message.replace(/^(MCP error -?\d+: )+/, '');
}
