import { Injectable } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { GatewayHealthService } from './gateway-health.service.js';

/** Terminus view of readiness, for Kubernetes probes. */
@Injectable()
export class BackendsHealthIndicator {
  constructor(
    private readonly indicators: HealthIndicatorService,
    private readonly health: GatewayHealthService,
  ) {}

  isReady(key: string) {
    const indicator = this.indicators.check(key);
    const { ready, ...details } = this.health.readiness();
    return ready ? indicator.up(details) : indicator.down(details);
  }
}
