import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { gatewayRouteOf } from '@gateway/config';
import { AuthFailure } from './auth-errors.js';
import { AuthMetrics } from './auth-metrics.service.js';
import { Authenticator } from './authenticator.service.js';
import { challenge, refusalBody } from './www-authenticate.js';

/**
 * On the MCP routes (by route metadata, so under any global prefix), which always need credentials, a missing, malformed or oversized Authorization header is
 * answered with 401 as the request arrives, before its body is read (Nest's guards run after the body parser). The
 * AuthGuard still authenticates everything that passes.
 */
@Injectable()
export class AuthPrecheckHook implements OnModuleInit {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    private readonly authenticator: Authenticator,
    private readonly metrics: AuthMetrics,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!this.authenticator.enabled || !fastify?.addHook) return;
    fastify.addHook('onRequest', (request, reply, done) => {
      if (gatewayRouteOf(request) !== 'mcp') return done();
      try {
        this.authenticator.credentialOf(request.headers.authorization);
        return done();
      } catch (error) {
        if (!(error instanceof AuthFailure)) return done(error as Error);
        this.metrics.authFailure(error.reason);
        void reply
          .code(error.status)
          .header('www-authenticate', challenge(request, error, this.authenticator.oauth))
          .header('connection', 'close')
          .send(refusalBody(error));
      }
    });
  }
}
