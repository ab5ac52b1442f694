import { TaskCancelledError, timeout, TimeoutStrategy, type TimeoutPolicy } from 'cockatiel';

/** Why a deadline-bound call stopped early: its own deadline passed, or the caller cancelled it. */
export class DeadlineStop extends Error {
  constructor(readonly by: 'deadline' | 'caller') {
    super(by === 'deadline' ? 'deadline passed' : 'cancelled by the caller');
    this.name = 'DeadlineStop';
  }
}

/**
 * Bounds a whole call (queue wait, attempts, backoff) by `ms`. `fn` gets a signal that aborts at the deadline or
 * when the caller's signal does; passed to the SDK, that abort sends notifications/cancelled to the backend.
 * The call fails at once when the signal aborts, even while waiting in a queue or between attempts.
 */
export class DeadlinePolicy {
  private readonly policy: TimeoutPolicy;

  constructor(readonly ms: number) {
    // abortOnReturn off: cockatiel otherwise aborts the signal after every call, and the SDK answers that abort with a
    // notifications/cancelled for a request the backend has already answered.
    this.policy = timeout(ms, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false });
  }

  async execute<T>(fn: (signal: AbortSignal) => Promise<T>, caller?: AbortSignal): Promise<T> {
    try {
      return await this.policy.execute(({ signal }) => fn(signal), caller);
    } catch (error) {
      // Not cockatiel's isTaskCancelledError: in 3.2.1 it tests for the bulkhead's marker instead.
      if (error instanceof TaskCancelledError) throw new DeadlineStop(caller?.aborted ? 'caller' : 'deadline');
      throw error;
    }
  }
}
