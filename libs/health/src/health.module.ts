import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { BackendsModule } from '@gateway/backends';
import { BackendsHealthIndicator } from './backends.health-indicator.js';
import { GatewayHealthService } from './gateway-health.service.js';
import { HealthComponents } from './health-components.js';
import { HealthController } from './health.controller.js';

@Module({
  imports: [TerminusModule.forRoot({ logger: false }), BackendsModule],
  controllers: [HealthController],
  providers: [GatewayHealthService, BackendsHealthIndicator, HealthComponents],
  exports: [GatewayHealthService, HealthComponents],
})
export class HealthModule {}
