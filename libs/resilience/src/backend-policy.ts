import { EventEmitter } from 'node:events';
import { ConcurrencyLimit } from './bulkhead.policy.js';
import { CircuitBreaker, type CircuitBreakerSettings } from './circuit-breaker.policy.js';
import {
  classifyCallFailure,
  isClassified,
  type CallOutcome,
  type CircuitStateName,
  type FailureClass,
  type FailureClassifier,
} from './failure-kind.js';
import { FairRateLimit } from './fair-rate-limit.policy.js';
import {
  CallCancelledError,
  errorText,
  NotRetriedError,
  RateLimitedError,
  RequestRejectedError,
  RequestTimeoutError,
} from './resilience-errors.js';
import { RetryPolicy, type RetrySettings } from './retry.policy.js';
import { Deadline, DeadlineStop } from './timeout.policy.js';

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
  /** Who the call is for (the MCP session), for a fair share of the rate limit; unset: the gateway itself. */
  client?: string;
}

/** One try at the backend: its signal, and its timeout when the call's deadline leaves less than its own. */
export type Attempt<T> = (signal: AbortSignal | undefined, timeoutMs: number | undefined) => Promise<T>;

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
 * Everything that stands between a caller and one backend, outermost first: rate limit (one token per call, a fair
 * share per client),
 * overall deadline, retries with backoff (only where safe), concurrency limit with a bounded queue, circuit breaker,
 * then the attempt itself. Emits what it does, for metrics and logs.
 */
/** A rate-limit bucket shared by the replicas (Redis); undefined from take() when it cannot answer in time. */
export interface SharedRateBucket {
  take(key: string, perSecond: number, burst: number): Promise<{ taken: boolean; waitMs: number } | undefined>;
}

export class BackendPolicy extends EventEmitter<PolicyEvents> {
  private readonly breaker?: CircuitBreaker;
  private readonly limiter?: FairRateLimit;
  private readonly bulkhead: ConcurrencyLimit;
  private readonly retry?: RetryPolicy;

  constructor(
    readonly backend: string,
    readonly settings: BackendPolicySettings,
    private readonly classify: FailureClassifier,
    now: () => number = Date.now,
    /** With several replicas: the backend's bucket they all take from (each keeps its fair shares as well). */
    private readonly shared?: SharedRateBucket,
  ) {
    super();
    if (settings.breaker) {
      this.breaker = new CircuitBreaker(backend, settings.breaker, (error) => this.failureOf(error).breaker, now);
      this.breaker.on('transition', (from, to) => this.emit('circuit', from, to));
    }
    if (settings.rateLimit) {
      this.limiter = new FairRateLimit(settings.rateLimit.perSecond, settings.rateLimit.burst, now);
    }
    if (settings.retry && settings.retry.maxAttempts > 1) this.retry = new RetryPolicy(settings.retry);
    this.bulkhead = new ConcurrencyLimit(backend, settings.concurrency.max, settings.concurrency.queue);
  }

  get circuitState(): CircuitStateName {
    return this.breaker?.state ?? 'closed';
  }

  /** Requests running at the backend now, and waiting for a slot. */
  get load(): { active: number; queued: number } {
    return { active: this.bulkhead.active, queued: this.bulkhead.queued };
  }

  /**
   * Runs `attempt` (once, or more where safe) under every policy. `attempt` must pass its signal to the request and,
   * when given one, its timeout: what is left of the call's deadline, if that is less than the request's own.
   */
  async execute<T>(call: PolicyCall, attempt: Attempt<T>): Promise<T> {
    const started = performance.now();
    let outcome: CallOutcome = 'ok';
    let failure: unknown;
    let result: T | undefined;
    try {
      if (!call.probe && this.limiter) {
        const { perSecond, burst } = this.limiter;
        const waitMs = this.limiter.take(call.client);
        if (waitMs > 0) throw new RateLimitedError(this.backend, waitMs, perSecond, burst);
        const shared = await this.shared?.take(`backend:${this.backend}`, perSecond, burst);
        if (shared && !shared.taken) throw new RateLimitedError(this.backend, shared.waitMs, perSecond, burst);
      }
      if (call.deadline === false) {
        result = await this.attempts(call, undefined, attempt);
      } else {
        const deadline = new Deadline(this.settings.deadlineMs);
        result = await deadline.bound(this.attempts(call, deadline, attempt));
      }
      return result;
    } catch (error) {
      failure = this.explain(error, call);
      outcome = this.failureOf(failure).outcome;
      throw failure;
    } finally {
      const seconds = (performance.now() - started) / 1000;
      const toolError = (result as { isError?: unknown } | undefined)?.isError === true;
      const probe = call.probe === true;
      this.emit('call', { method: call.method, tool: call.tool, toolError, outcome, seconds, probe, error: failure });
    }
  }

  private async attempts<T>(call: PolicyCall, deadline: Deadline | undefined, attempt: Attempt<T>): Promise<T> {
    const signal = call.signal;
    const send = async (): Promise<T> => {
      const left = deadline?.remainingMs();
      if (left === 0) throw new DeadlineStop('deadline');
      // The deadline's rest when that is shorter than the request's own timeout: then a timeout is the deadline's.
      const shortened = left !== undefined && left < call.timeoutMs ? left : undefined;
      try {
        return await attempt(signal, shortened);
      } catch (error) {
        // The SDK reports an aborted request as a RequestTimeout of its own; say which abort it was.
        if (signal?.aborted) throw this.stopped(call, 'caller', error);
        // Named here already, so the breaker's last failure reads as well as the caller's error.
        if (this.failureOf(error).kind === 'timeout') {
          if (shortened !== undefined || deadline?.passed) throw this.stopped(call, 'deadline', error);
          throw new RequestTimeoutError(this.backend, call.method, call.timeoutMs, error);
        }
        throw error;
      }
    };
    const guarded = () => (this.breaker ? this.breaker.execute(send) : send());
    if (call.probe) return guarded();
    const once = () => this.bulkhead.execute(guarded, signal);
    if (!this.retry) return once();
    try {
      return await once();
    } catch (error) {
      // The retry machinery is set up only for a call whose first attempt failed: most never need it.
      const retryable = (e: unknown) =>
        !signal?.aborted && !deadline?.passed && this.failureOf(e, call.repeatable).retryable;
      if (!retryable(error)) throw error;
      // The retry policy counts the failure it is handed as its first attempt, and backs off before the next.
      let replayed = false;
      const again = async () => {
        if (replayed) return once();
        replayed = true;
        throw error;
      };
      return this.retry.execute(again, retryable, signal, (attemptNo, delayMs, cause) =>
        this.emit('retry', { method: call.method, attempt: attemptNo, delayMs, error: cause }),
      );
    }
  }

  /** The one classification of a failure (see classifyCallFailure). */
  private failureOf(error: unknown, repeatable = false): FailureClass {
    return classifyCallFailure(error, this.classify, repeatable);
  }

  private stopped(call: PolicyCall, by: 'caller' | 'deadline', cause?: unknown): Error {
    if (by === 'caller') return new CallCancelledError(this.backend, call.method);
    return new RequestTimeoutError(this.backend, call.method, this.settings.deadlineMs, cause);
  }

  /** The error the caller gets: the backend's own, or one that says what the gateway did and why. */
  private explain(error: unknown, call: PolicyCall): unknown {
    if (error instanceof DeadlineStop) return this.stopped(call, error.by);
    // The policies' own errors say what happened already.
    if (isClassified(error)) return error;
    // Whatever the last attempt reported (a queue slot given up, the SDK's own abort error), the caller left.
    if (call.signal?.aborted) return this.stopped(call, 'caller');
    switch (this.failureOf(error).kind) {
      case 'timeout':
        return new RequestTimeoutError(this.backend, call.method, call.timeoutMs, error);
      case 'failed':
        if (call.repeatable || call.probe) return error;
        return new NotRetriedError(this.backend, call.method, errorText(error), error, call.tool);
      case 'rejected':
        return new RequestRejectedError(this.backend, call.method, error);
      case 'answered':
      case 'unsent':
      case 'cancelled':
      case 'refused':
        return error;
    }
  }
}
