import { EventEmitter } from 'node:events';
import { ConcurrencyLimit } from './bulkhead.policy.js';
import {
  CircuitBreaker,
  type CircuitBreakerSettings,
  type CircuitStateName,
  type Verdict,
} from './circuit-breaker.policy.js';
import type { FailureClassifier } from './failure-kind.js';
import { TokenBucket } from './rate-limit.policy.js';
import {
  CallCancelledError,
  CircuitOpenError,
  ConcurrencyLimitError,
  errorText,
  NotRetriedError,
  RateLimitedError,
  RequestTimeoutError,
  ResilienceError,
} from './resilience-errors.js';
import { RetryPolicy, type RetrySettings } from './retry.policy.js';
import { DeadlinePolicy, DeadlineStop } from './timeout.policy.js';

export interface BackendPolicySettings {
  /** Unset: no breaker. */
  breaker?: CircuitBreakerSettings;
  /** Unset: no retries. */
  retry?: RetrySettings;
  /** Unset: no rate limit. */
  rateLimit?: { perSecond: number; burst: number };
  concurrency: { max: number; queue: number };
  /** Bound on a whole call: queue wait, every attempt and the backoff between them. */
  deadlineMs: number;
}

export interface PolicyCall {
  method: string;
  /** Safe to send again after a failure that may have reached the backend (see isRepeatable). */
  repeatable: boolean;
  /** The request's own timeout at the backend, named when it expires. */
  timeoutMs: number;
  /** The caller's cancellation. */
  signal?: AbortSignal;
  /** false: no overall deadline (the request's own timeout, extended by progress, bounds it). */
  deadline?: boolean;
  /** A health check: feeds the breaker, but no rate limit, queue or retries. */
  probe?: boolean;
  /** tools/call only: the tool, to say why a failed call was not retried. */
  tool?: string;
}

export type CallOutcome =
  'ok' | 'error' | 'failure' | 'timeout' | 'cancelled' | 'circuit_open' | 'rate_limited' | 'concurrency_limited';

export interface CallRecord {
  method: string;
  /** tools/call: the tool, and whether its result was a tool error (isError). */
  tool?: string;
  toolError?: boolean;
  outcome: CallOutcome;
  seconds: number;
  probe: boolean;
  error?: unknown;
}

type PolicyEvents = {
  call: [CallRecord];
  retry: [{ method: string; attempt: number; delayMs: number; error: unknown }];
  circuit: [from: CircuitStateName, to: CircuitStateName];
};

/**
 * Everything that stands between a caller and one backend, outermost first: rate limit (one token per call),
 * overall deadline, retries with backoff (only where safe), concurrency limit with a bounded queue, circuit breaker,
 * then the attempt itself. Emits what it does, for metrics and logs.
 */
export class BackendPolicy extends EventEmitter<PolicyEvents> {
  private readonly breaker?: CircuitBreaker;
  private readonly limiter?: TokenBucket;
  private readonly bulkhead: ConcurrencyLimit;
  private readonly retry?: RetryPolicy;
  private readonly deadline: DeadlinePolicy;

  constructor(
    readonly backend: string,
    readonly settings: BackendPolicySettings,
    private readonly classify: FailureClassifier,
    now: () => number = Date.now,
  ) {
    super();
    if (settings.breaker) {
      this.breaker = new CircuitBreaker(backend, settings.breaker, (error) => this.verdict(error));
      this.breaker.on('transition', (from, to) => this.emit('circuit', from, to));
    }
    if (settings.rateLimit) this.limiter = new TokenBucket(settings.rateLimit.perSecond, settings.rateLimit.burst, now);
    if (settings.retry && settings.retry.maxAttempts > 1) this.retry = new RetryPolicy(settings.retry);
    this.bulkhead = new ConcurrencyLimit(backend, settings.concurrency.max, settings.concurrency.queue);
    this.deadline = new DeadlinePolicy(settings.deadlineMs);
  }

  get circuitState(): CircuitStateName {
    return this.breaker?.state ?? 'closed';
  }

  /** Requests running at the backend now, and waiting for a slot. */
  get load(): { active: number; queued: number } {
    return { active: this.bulkhead.active, queued: this.bulkhead.queued };
  }

  /** Runs `attempt` (once, or more where safe) under every policy; `attempt` must pass its signal to the request. */
  async execute<T>(call: PolicyCall, attempt: (signal: AbortSignal | undefined) => Promise<T>): Promise<T> {
    const started = performance.now();
    let outcome: CallOutcome = 'ok';
    let failure: unknown;
    let result: T | undefined;
    try {
      if (!call.probe && this.limiter) {
        const waitMs = this.limiter.take();
        if (waitMs > 0) {
          const { perSecond, burst } = this.limiter;
          throw new RateLimitedError(this.backend, waitMs, perSecond, burst);
        }
      }
      result =
        call.deadline === false
          ? await this.attempts(call, call.signal, attempt)
          : await this.deadline.execute((signal) => this.attempts(call, signal, attempt), call.signal);
      return result;
    } catch (error) {
      failure = this.explain(error, call);
      outcome = this.outcomeOf(failure);
      throw failure;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const toolError = (result as { isError?: unknown } | undefined)?.isError === true;
      const probe = call.probe === true;
      this.emit('call', { method: call.method, tool: call.tool, toolError, outcome, seconds, probe, error: failure });
    }
  }

  private attempts<T>(
    call: PolicyCall,
    signal: AbortSignal | undefined,
    attempt: (signal: AbortSignal | undefined) => Promise<T>,
  ): Promise<T> {
    const send = async (): Promise<T> => {
      try {
        return await attempt(signal);
      } catch (error) {
        // The SDK reports an aborted request as a RequestTimeout of its own; say which abort it was.
        if (signal?.aborted) throw this.stopped(call, call.signal?.aborted ? 'caller' : 'deadline', error);
        // Named here already, so the breaker's last failure reads as well as the caller's error.
        if (this.classify(error) === 'timeout') {
          throw new RequestTimeoutError(this.backend, call.method, call.timeoutMs, error);
        }
        throw error;
      }
    };
    const guarded = () => (this.breaker ? this.breaker.execute(send) : send());
    if (call.probe) return guarded();
    const once = () => this.bulkhead.execute(guarded, signal);
    if (!this.retry) return once();
    return this.retry.execute(
      once,
      (error) => !signal?.aborted && this.retryable(error, call),
      signal,
      (attemptNo, delayMs, error) => this.emit('retry', { method: call.method, attempt: attemptNo, delayMs, error }),
    );
  }

  private retryable(error: unknown, call: PolicyCall): boolean {
    if (error instanceof ResilienceError || error instanceof CallCancelledError) return false;
    const kind = this.classify(error);
    return kind === 'unsent' || (kind === 'failed' && call.repeatable);
  }

  private verdict(error: unknown): Verdict {
    if (error instanceof CallCancelledError) return 'neutral';
    if (error instanceof RequestTimeoutError) return 'failure';
    if (error instanceof ResilienceError) return 'neutral';
    return this.classify(error) === 'answered' ? 'success' : 'failure';
  }

  private stopped(call: PolicyCall, by: 'caller' | 'deadline', cause?: unknown): Error {
    if (by === 'caller') return new CallCancelledError(this.backend, call.method);
    return new RequestTimeoutError(this.backend, call.method, this.settings.deadlineMs, cause);
  }

  /** The error the caller gets: the backend's own, or one that says what the gateway did and why. */
  private explain(error: unknown, call: PolicyCall): unknown {
    if (error instanceof DeadlineStop) return this.stopped(call, error.by);
    if (error instanceof ResilienceError || error instanceof CallCancelledError) return error;
    // Whatever the last attempt reported (a queue slot given up, the SDK's own abort error), the caller left.
    if (call.signal?.aborted) return this.stopped(call, 'caller');
    switch (this.classify(error)) {
      case 'timeout':
        return new RequestTimeoutError(this.backend, call.method, call.timeoutMs, error);
      case 'failed':
        if (call.repeatable || call.probe) return error;
        return new NotRetriedError(this.backend, call.method, errorText(error), error, call.tool);
      case 'answered':
      case 'unsent':
        return error;
    }
  }

  private outcomeOf(error: unknown): CallOutcome {
    if (error instanceof CircuitOpenError) return 'circuit_open';
    if (error instanceof RateLimitedError) return 'rate_limited';
    if (error instanceof ConcurrencyLimitError) return 'concurrency_limited';
    if (error instanceof RequestTimeoutError) return 'timeout';
    if (error instanceof CallCancelledError) return 'cancelled';
    if (error instanceof ResilienceError) return 'failure';
    return this.classify(error) === 'answered' ? 'error' : 'failure';
  }
}
