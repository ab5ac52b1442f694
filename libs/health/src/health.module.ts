import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BackendsModule } from '@gateway/backends';
import { RedisConnection, StoreModule } from '@gateway/store';
import { BackendsHealthIndicator } from './backends.health-indicator.js';
import { GatewayHealthService } from './gateway-health.service.js';
import { HealthComponents } from './health-components.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), BackendsModule, StoreModule],
  controllers: [HealthController],
  providers: [GatewayHealthService, BackendsHealthIndicator, HealthComponents],
  exports: [GatewayHealthService, HealthComponents],
})
export class HealthModule {
  /** The shared store (store.redis) is a component of /health when configured. */
  constructor(components: HealthComponents, redis: RedisConnection) {
    if (redis.enabled) components.register('store', () => redis.health()!);
  }
}
