import { Controller, Get, Res } from '@nestjs/common';
import { HealthCheck, HealthCheckService } from '@nestjs/terminus';
import { SkipThrottle } from '@nestjs/throttler';
import { Public } from '@gateway/auth';
import { GatewayRoute } from '@gateway/config';
import type { FastifyReply } from 'fastify';
import { BackendsHealthIndicator } from './backends.health-indicator.js';
import { GatewayHealthService, type GatewayHealth } from './gateway-health.service.js';

// Probes are never rate limited (server.rate_limit), whatever prefix the app mounts them under.
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: GatewayHealthService,
    private readonly checks: HealthCheckService,
    private readonly backends: BackendsHealthIndicator,
  ) {}

  @Get()
  @GatewayRoute('probe')
  summary(@Res({ passthrough: true }) reply: FastifyReply): GatewayHealth {
    const summary = this.health.summary();
    if (summary.status === 'unhealthy') void reply.status(503);
    return summary;
  }

  /** The process is up and serving HTTP. */
  @Get('live')
  @GatewayRoute('probe')
  @Public()
  @HealthCheck()
  live() {
    return this.checks.check([]);
  }

  /** Config loaded, listening, and at least one backend ready. */
  @Get('ready')
  @GatewayRoute('probe')
  @Public()
  @HealthCheck()
  ready() {
    return this.checks.check([() => this.backends.isReady('backends')]);
  }
}
