import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GatewayConfig } from '@gateway/config';
import { JsonRpcCode, jsonRpcErrorBody } from './json-rpc-reply.js';
import { isMcpRoute } from './mcp-route.js';
import { OriginPolicy } from './origin-policy.js';

/**
 * Refuses (403, JSON-RPC error body) a request whose Origin or Host the OriginPolicy does not allow, before any
 * other work: the protections against browser pages and DNS rebinding that the MCP transport spec asks for.
 */
@Injectable()
export class OriginCheckHook implements OnModuleInit {
  private readonly logger = new Logger(OriginCheckHook.name);
  private readonly policy: OriginPolicy;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    config: GatewayConfig,
  ) {
    this.policy = new OriginPolicy(config.server);
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    fastify.addHook('onRequest', (request, reply, done) => {
      // MCP routes only: probes come from load balancers whose Host the operator does not control, and a host
      // app's own routes keep their own rules.
      if (!isMcpRoute(request)) return done();
      const reason = this.policy.rejectHost(request.headers.host) ?? this.policy.rejectOrigin(request.headers.origin);
      if (!reason) return done();
      this.logger.warn(`${request.method} ${request.url} refused: ${reason}`);
      void reply
        .code(403)
        .header('content-type', 'application/json')
        .send(jsonRpcErrorBody(JsonRpcCode.TransportRefused, reason));
    });
  }
}
