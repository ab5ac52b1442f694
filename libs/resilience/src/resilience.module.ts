import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { GatewayConfig } from '@gateway/config';
import { RedisTokenBucket, StoreModule } from '@gateway/store';
import { BackendPolicyFactory } from './backend-policy.factory.js';
import { InboundRateLimitGuard, inboundThrottlerOptions } from './inbound-rate-limit.guard.js';
import { RedisThrottlerStorage } from './redis-throttler.storage.js';

/**
 * Per-backend policies (built by BackendPolicyFactory, applied by each Backend to its requests) and the inbound
 * per-client rate limit on every HTTP route (an APP_GUARD, so test modules get the same pipeline).
 */
@Module({
  imports: [
    ThrottlerModule.forRootAsync({
      imports: [StoreModule],
      inject: [GatewayConfig, RedisTokenBucket],
      // With store.redis, one bucket per client shared by every replica.
      useFactory: (config: GatewayConfig, buckets: RedisTokenBucket) => ({
        ...inboundThrottlerOptions(config),
        ...(config.store.redis ? { storage: new RedisThrottlerStorage(buckets, config.server.rate_limit) } : {}),
      }),
    }),
    StoreModule,
  ],
  providers: [BackendPolicyFactory, { provide: APP_GUARD, useClass: InboundRateLimitGuard }],
  exports: [BackendPolicyFactory],
})
export class ResilienceModule {}
