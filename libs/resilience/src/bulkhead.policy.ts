import { bulkhead, isBulkheadRejectedError, type BulkheadPolicy } from 'cockatiel';
import { ConcurrencyLimitError } from './resilience-errors.js';

/** At most `max` requests at once, `queue` more waiting; beyond that a call fails at once (ConcurrencyLimitError). */
export class ConcurrencyLimit {
  private readonly bulkhead: BulkheadPolicy;

  constructor(
    private readonly backend: string,
    readonly max: number,
    readonly queue: number,
  ) {
    this.bulkhead = bulkhead(max, queue);
  }

  get active(): number {
    return this.max - this.bulkhead.executionSlots;
  }

  get queued(): number {
    return this.queue - this.bulkhead.queueSlots;
  }

  async execute<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    try {
      return await this.bulkhead.execute(() => fn(), signal);
    } catch (error) {
      if (isBulkheadRejectedError(error)) throw new ConcurrencyLimitError(this.backend, this.max, this.queue);
      throw error;
    }
  }
}
