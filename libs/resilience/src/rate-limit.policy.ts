/**
 * A token bucket: `burst` requests at once, refilled at `perSecond`. cockatiel has no rate limiter, and a bucket
 * is a few lines; the clock is injectable for tests.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  /**
   * Takes a token if `reserve` tokens are still left after it: 0 when granted, otherwise the milliseconds until
   * that is so (nothing is taken).
   */
  take(reserve = 0): number {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) * this.perSecond) / 1000);
    this.updatedAt = now;
    if (this.tokens >= 1 + reserve) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 + reserve - this.tokens) * 1000) / this.perSecond));
  }
}
