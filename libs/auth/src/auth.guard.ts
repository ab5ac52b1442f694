import { HttpException, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthFailure } from './auth-errors.js';
import { AuthMetrics } from './auth-metrics.service.js';
import { Authenticator } from './authenticator.service.js';
import { PrincipalLimits } from './principal-limits.js';
import { PRINCIPAL, type WithPrincipal } from './principal.js';
import { IS_PUBLIC } from './public.decorator.js';
import { challenge, refusalBody } from './www-authenticate.js';

/**
 * Every HTTP route needs credentials when `auth` is configured, except those marked @Public() and the paths in
 * `auth.public_routes`. The verified principal is left on the request for the MCP surface and the rate limit.
 * Without `auth` it returns at once.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly publicRoutes: ReadonlySet<string>;

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: Authenticator,
    private readonly metrics: AuthMetrics,
    private readonly limits: PrincipalLimits,
  ) {
    this.publicRoutes = new Set(authenticator.config?.public_routes ?? []);
  }

  /** Synchronous when auth is off: no promise per request on the hot path. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    if (!this.authenticator.enabled || context.getType() !== 'http') return true;
    return this.authenticate(context);
  }

  private async authenticate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const req = http.getRequest<FastifyRequest & WithPrincipal>();
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()])) return true;
    if (this.publicRoutes.has(req.url.split('?')[0])) return true;
    try {
      const principal = await this.authenticator.authenticate(req.headers.authorization);
      req[PRINCIPAL] = principal;
      this.limits.admit(principal, req.method, http.getResponse<FastifyReply>());
      return true;
    } catch (error) {
      if (!(error instanceof AuthFailure)) throw error;
      this.metrics.authFailure(error.reason);
      const reply = http.getResponse<FastifyReply>();
      void reply.header('www-authenticate', challenge(req, error, this.authenticator.oauth));
      throw new HttpException(refusalBody(error), error.status);
    }
  }
}
