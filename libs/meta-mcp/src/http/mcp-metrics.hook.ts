import { Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GatewayMetrics } from '@gateway/metrics';
import { SessionRegistry } from '../sessions/session-registry.service.js';
import { isMcpRoute } from './mcp-route.js';

/** Feeds the session and SSE-stream gauges: a GET on an MCP route is the server-to-client stream, open until closed. */
@Injectable()
export class McpMetricsHook implements OnApplicationBootstrap {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly metrics: GatewayMetrics,
    sessions: SessionRegistry,
  ) {
    metrics.observeSessions(() => sessions.size);
  }

  onApplicationBootstrap(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    fastify?.addHook('onRequest', (request, reply, done) => {
      if (request.method === 'GET' && isMcpRoute(request)) {
        reply.raw.once('close', this.metrics.sseStreamOpened());
      }
      done();
    });
  }
}
