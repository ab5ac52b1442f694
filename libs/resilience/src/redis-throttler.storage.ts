import type { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageService } from '@nestjs/throttler';
import type { InboundRateLimitConfig } from '@gateway/config';
import type { RedisTokenBucket } from '@gateway/store';

/**
 * The inbound rate limit with `store.redis`: one token bucket per client in Redis, shared by every replica, so a
 * principal spread over replicas gets `requests_per_second` in all. While Redis does not answer within its
 * timeout, each replica limits on its own (the in-memory storage), rather than refusing or waiting.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  private readonly local = new ThrottlerStorageService();

  constructor(
    private readonly buckets: RedisTokenBucket,
    private readonly limits: InboundRateLimitConfig,
  ) {}

  async increment(key: string, ttl: number, limit: number, blockDuration: number, throttlerName: string) {
    const { requests_per_second: perSecond, burst } = this.limits;
    const take = await this.buckets.take(`inbound:${key}`, perSecond, burst);
    if (!take) return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    const untilFull = Math.ceil(((burst - take.tokens) * 1000) / perSecond / 1000);
    if (take.taken) {
      return {
        totalHits: burst - Math.floor(take.tokens),
        timeToExpire: untilFull,
        isBlocked: false,
        timeToBlockExpire: 0,
      };
    }
    const wait = Math.max(1, Math.ceil(take.waitMs / 1000));
    return { totalHits: limit + 1, timeToExpire: untilFull, isBlocked: true, timeToBlockExpire: wait };
  }
}
