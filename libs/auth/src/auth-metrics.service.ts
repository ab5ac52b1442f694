import { Injectable } from '@nestjs/common';
import { InjectMetric, makeCounterProvider } from '@willsoto/nestjs-prometheus';
import type { Counter } from 'prom-client';
import { GatewayMetrics } from '@gateway/metrics';
import type { AuthFailureReason } from './auth-errors.js';

const FAILURES = 'mcp_gateway_auth_failures_total';
const DENIALS = 'mcp_gateway_access_denied_total';

/**
 * The counters as @willsoto/nestjs-prometheus providers. `registers: []` keeps them off prom-client's global
 * registry (where the library would otherwise hand every gateway in the process the same counter); AuthMetrics
 * registers them on the application's own registry.
 */
export const AUTH_METRIC_PROVIDERS = [
  makeCounterProvider({
    name: FAILURES,
    help: 'Requests refused by authentication (401, 403 insufficient_scope, 503 keys unavailable), by reason',
    labelNames: ['reason'],
    registers: [],
  }),
  makeCounterProvider({
    name: DENIALS,
    help: 'Calls refused by the role policy, once per role of the caller ("none" for a caller without roles)',
    labelNames: ['role'],
    registers: [],
  }),
];

/** Authentication failures by reason and denied calls by role, on the gateway's own registry. */
@Injectable()
export class AuthMetrics {
  constructor(
    metrics: GatewayMetrics,
    @InjectMetric(FAILURES) private readonly failures: Counter<'reason'>,
    @InjectMetric(DENIALS) private readonly denials: Counter<'role'>,
  ) {
    metrics.registry.registerMetric(failures);
    metrics.registry.registerMetric(denials);
  }

  authFailure(reason: AuthFailureReason): void {
    this.failures.inc({ reason });
  }

  denied(roles: readonly string[]): void {
    if (roles.length === 0) this.denials.inc({ role: 'none' });
    for (const role of roles) this.denials.inc({ role });
  }
}
