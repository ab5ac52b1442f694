import { EventEmitter } from 'node:events';
import {
  BrokenCircuitError,
  CircuitBreakerPolicy,
  CircuitState,
  circuitBreaker,
  handleWhen,
  type IBackoff,
  type IBreaker,
  type IHalfOpenAfterBackoffContext,
} from 'cockatiel';
import type { CircuitStateName, Verdict } from './failure-kind.js';
import { CircuitOpenError, errorText } from './resilience-errors.js';

export interface CircuitBreakerSettings {
  failureThreshold: number;
  successThreshold: number;
  resetTimeoutMs: number;
}

type CircuitEvents = { transition: [from: CircuitStateName, to: CircuitStateName] };

/**
 * Opens after `failureThreshold` consecutive failures, half-opens after `resetTimeoutMs`, and closes after
 * `successThreshold` successes in a row; any failure while half-open reopens it.
 *
 * cockatiel runs the state machine. Its half-open state admits one probe and closes on the probe's success, so
 * the successes after the first are counted here: until they are in, the circuit is reported half-open and the
 * first failure reopens it.
 *
 * Time is read from `now` (injectable like the token bucket's clock, so tests can move it): when the circuit opened,
 * how long until it half-opens, and when it may. cockatiel measures its half-open wait with Date.now(), so the wait
 * it is given (ResetOnClock) asks this clock instead.
 */
export class CircuitBreaker extends EventEmitter<CircuitEvents> {
  private readonly counter: ThresholdBreaker;
  private readonly policy: CircuitBreakerPolicy;
  private reported: CircuitStateName = 'closed';
  private openedAt = 0;
  private openedBecause = '';

  constructor(
    readonly backend: string,
    private readonly settings: CircuitBreakerSettings,
    private readonly judge: (error: unknown) => Verdict,
    private readonly now: () => number = Date.now,
  ) {
    super();
    this.counter = new ThresholdBreaker(settings.failureThreshold, settings.successThreshold, () => this.report());
    this.policy = circuitBreaker(
      handleWhen((error) => judge(error) === 'failure'),
      { halfOpenAfter: new ResetOnClock(() => this.untilHalfOpenMs()), breaker: this.counter },
    );
    this.policy.onHalfOpen(() => this.counter.startProbation());
    this.policy.onBreak(() => {
      this.openedAt = this.now();
      this.openedBecause = this.counter.takeOpenReason();
    });
    this.policy.onStateChange(() => this.report());
  }

  get state(): CircuitStateName {
    switch (this.policy.state) {
      case CircuitState.Open:
      case CircuitState.Isolated:
        return 'open';
      case CircuitState.HalfOpen:
        return 'half_open';
      case CircuitState.Closed:
        return this.counter.onProbation ? 'half_open' : 'closed';
    }
  }

  /** Milliseconds until an open circuit lets a probe through (0 when not open). */
  get retryAfterMs(): number {
    if (this.state !== 'open') return 0;
    return this.untilHalfOpenMs();
  }

  private untilHalfOpenMs(): number {
    return Math.max(0, this.openedAt + this.settings.resetTimeoutMs - this.now());
  }

  /**
   * Runs `fn` unless the circuit is open (then throws CircuitOpenError). An error judged a failure counts against
   * the backend, a neutral one (a cancelled call) counts for nothing, and any other outcome (a result, a JSON-RPC
   * error the backend answered) counts as the backend working.
   */
  async execute<T>(fn: () => Promise<T>): Promise<T> {
    let outcome: { value: T } | { error: unknown };
    try {
      outcome = await this.policy.execute(async () => {
        try {
          return { value: await fn() };
        } catch (error) {
          // A failure (handled by the policy, so it counts) or a neutral error (unhandled: counts for nothing)
          // propagates; any other error is the backend answering, a success for the breaker, rethrown below.
          if (this.judge(error) !== 'success') throw error;
          return { error };
        }
      });
    } catch (error) {
      if (error instanceof BrokenCircuitError) {
        const last = this.policy.lastFailure;
        const reason = last && 'error' in last ? errorText(last.error) : undefined;
        throw new CircuitOpenError(this.backend, this.retryAfterMs, this.openedBecause, reason);
      }
      throw error;
    }
    if ('error' in outcome) throw outcome.error;
    return outcome.value;
  }

  private report(): void {
    const next = this.state;
    if (next === this.reported) return;
    const previous = this.reported;
    this.reported = next;
    this.emit('transition', previous, next);
  }
}

/**
 * cockatiel's half-open wait, on the breaker's clock. cockatiel keeps the circuit open while `Date.now() - openedAt <
 * duration`; this duration reads as forever until the clock says the reset timeout has passed, then as 0.
 */
class ResetOnClock implements IBackoff<IHalfOpenAfterBackoffContext> {
  constructor(private readonly remainingMs: () => number) {}

  get duration(): number {
    return this.remainingMs() > 0 ? Number.POSITIVE_INFINITY : 0;
  }

  next(): ResetOnClock {
    return this;
  }
}

/**
 * cockatiel's IBreaker: decides when the closed circuit opens. Also holds the successes still owed after a
 * half-open probe succeeded (probation); a failure during probation reopens at once.
 */
class ThresholdBreaker implements IBreaker {
  state = { failures: 0, owed: 0 };
  private openReason = '';

  constructor(
    private readonly failureThreshold: number,
    private readonly successThreshold: number,
    private readonly changed: () => void,
  ) {}

  get onProbation(): boolean {
    return this.state.owed > 0;
  }

  startProbation(): void {
    this.state.owed = this.successThreshold;
  }

  /** Why the circuit just opened, for the error message of the calls it rejects. */
  takeOpenReason(): string {
    return this.openReason;
  }

  success(): void {
    this.state.failures = 0;
    if (this.state.owed > 0) {
      this.state.owed--;
      this.changed();
    }
  }

  failure(state: CircuitState): boolean {
    if (state === CircuitState.HalfOpen || this.state.owed > 0) {
      this.state = { failures: 0, owed: 0 };
      this.openReason = 'reopened when a trial request failed';
      return true;
    }
    this.state.failures++;
    if (this.state.failures < this.failureThreshold) return false;
    this.openReason = `opened after ${this.state.failures} consecutive failure${this.state.failures === 1 ? '' : 's'}`;
    this.state.failures = 0;
    return true;
  }
}
