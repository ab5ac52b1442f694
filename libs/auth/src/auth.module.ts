import { Logger, Module, type OnApplicationBootstrap } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { GatewayConfig, isLoopback } from '@gateway/config';
import { MetricsModule } from '@gateway/metrics';
import { AuditLog } from './audit-log.service.js';
import { AuthGuard } from './auth.guard.js';
import { AuthPrecheckHook } from './auth-precheck.hook.js';
import { AUTH_METRIC_PROVIDERS, AuthMetrics } from './auth-metrics.service.js';
import { Authenticator } from './authenticator.service.js';
import { CallGates } from './call-gates.service.js';
import { PrincipalLimits } from './principal-limits.js';
import { ProtectedResourceController } from './protected-resource.controller.js';

/**
 * Who is calling (API keys, OAuth access tokens) as an APP_GUARD on every route, the RFC 9728 metadata, what each
 * principal may use (CallGates, applied by the MCP surface), and the audit log. Import it before ResilienceModule:
 * its guard runs first, so the inbound rate limit keys on the verified principal.
 */
@Module({
  imports: [MetricsModule],
  controllers: [ProtectedResourceController],
  providers: [
    Authenticator,
    ...AUTH_METRIC_PROVIDERS,
    AuthMetrics,
    AuditLog,
    CallGates,
    PrincipalLimits,
    AuthPrecheckHook,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [Authenticator, CallGates, AuditLog],
})
export class AuthModule implements OnApplicationBootstrap {
  constructor(private readonly config: GatewayConfig) {}

  onApplicationBootstrap(): void {
    if (this.config.auth?.allow_anonymous && !isLoopback(this.config.server.host)) {
      new Logger('Auth').warn(
        `auth.allow_anonymous is true and server.host ${this.config.server.host} is reachable from other machines: ` +
          'anyone who can connect may use the gateway',
      );
    }
  }
}
