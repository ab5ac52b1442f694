import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GatewayMetrics } from './gateway-metrics.service.js';

/**
 * Counts HTTP 429 answers as inbound rate-limit rejections. Watching responses keeps the metrics lib free of the
 * guard that sends them (resilience depends on config only).
 */
@Injectable()
export class InboundRejectionsHook implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: GatewayMetrics,
  ) {}

  onApplicationBootstrap(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onResponse', (_request, reply, done) => {
      if (reply.statusCode === 429) this.metrics.recordRateLimited('inbound');
      done();
    });
  }
}
