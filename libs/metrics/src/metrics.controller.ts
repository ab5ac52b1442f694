import { Controller, Get, Res } from '@nestjs/common';
import { SkipThrottle } from '@nestjs/throttler';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { FastifyReply } from 'fastify';
import { GatewayRoute } from '@gateway/config';
import { GatewayMetrics } from './gateway-metrics.service.js';

/** GET /metrics (the path is set by PrometheusModule): the gateway's own registry, not prom-client's global one. */
// Scrapes are never rate limited (server.rate_limit).
@SkipThrottle()
@Controller()
export class MetricsController extends PrometheusController {
  constructor(private readonly metrics: GatewayMetrics) {
    super();
  }

  @Get()
  @GatewayRoute('metrics')
  override async index(@Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    void reply.header('content-type', this.metrics.registry.contentType);
    return this.metrics.registry.metrics();
  }
}
