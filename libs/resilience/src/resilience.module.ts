import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ThrottlerModule } from '@nestjs/throttler';
import { GatewayConfig } from '@gateway/config';
import { BackendPolicyFactory } from './backend-policy.factory.js';
import { InboundRateLimitGuard, inboundThrottlerOptions } from './inbound-rate-limit.guard.js';

/**
 * Per-backend policies (built by BackendPolicyFactory, applied by each Backend to its requests) and the inbound
 * per-client rate limit on every HTTP route (an APP_GUARD, so test modules get the same pipeline).
 */
@Module({
  imports: [ThrottlerModule.forRootAsync({ inject: [GatewayConfig], useFactory: inboundThrottlerOptions })],
  providers: [BackendPolicyFactory, { provide: APP_GUARD, useClass: InboundRateLimitGuard }],
  exports: [BackendPolicyFactory],
})
export class ResilienceModule {}
