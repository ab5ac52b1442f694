import { Global, Module } from '@nestjs/common';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { GatewayMetrics } from './gateway-metrics.service.js';
import { InboundRejectionsHook } from './inbound-rejections.hook.js';
import { MetricsController } from './metrics.controller.js';

/**
 * GET /metrics and the GatewayMetrics every lib records through. Global because PrometheusModule owns the
 * controller and must see GatewayMetrics; libs that record still import it, so their test modules work alone.
 */
@Global()
@Module({
  imports: [PrometheusModule.register({ controller: MetricsController, defaultMetrics: { enabled: false } })],
  providers: [GatewayMetrics, InboundRejectionsHook],
  exports: [GatewayMetrics],
})
export class MetricsModule {}
