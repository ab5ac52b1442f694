import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { GatewayMetrics } from '@gateway/metrics';
import type { AuthFailureReason } from './auth-errors.js';

/** Authentication failures by reason and denied calls by role, on the gateway's own registry. */
@Injectable()
export class AuthMetrics {
  private readonly failures: Counter<'reason'>;
  private readonly denials: Counter<'role'>;

  constructor(metrics: GatewayMetrics) {
    this.failures = new Counter({
      name: 'mcp_gateway_auth_failures_total',
      help: 'Requests refused by authentication (401, 403 insufficient_scope, 503 keys unavailable), by reason',
      labelNames: ['reason'],
      registers: [metrics.registry],
    });
    this.denials = new Counter({
      name: 'mcp_gateway_access_denied_total',
      help: 'Calls refused by the role policy, once per role of the caller ("none" for a caller without roles)',
      labelNames: ['role'],
      registers: [metrics.registry],
    });
  }

  authFailure(reason: AuthFailureReason): void {
    this.failures.inc({ reason });
  }

  denied(roles: readonly string[]): void {
    if (roles.length === 0) this.denials.inc({ role: 'none' });
    for (const role of roles) this.denials.inc({ role });
  }
}
