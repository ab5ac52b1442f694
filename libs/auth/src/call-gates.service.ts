import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { ALLOW_ALL, AccessPolicy, type Access } from './access-policy.js';
import { AuditLog } from './audit-log.service.js';
import { AuthMetrics } from './auth-metrics.service.js';
import { CallGate } from './call-gate.js';
import type { Principal } from './principal.js';

/** Builds the CallGate of each MCP session; none at all when neither `auth` nor `audit` is configured. */
@Injectable()
export class CallGates {
  private readonly policy?: AccessPolicy;
  private readonly needed: boolean;

  constructor(
    config: GatewayConfig,
    private readonly audit: AuditLog,
    private readonly metrics: AuthMetrics,
  ) {
    if (config.auth) this.policy = new AccessPolicy(config.auth.roles);
    this.needed = Boolean(config.auth) || audit.enabled;
  }

  accessFor(principal: Principal | undefined): Access {
    return principal && this.policy ? this.policy.for(principal.roles) : ALLOW_ALL;
  }

  forSession(principal: Principal | undefined, session: string, route: string): CallGate | undefined {
    if (!this.needed) return undefined;
    return new CallGate(principal, this.accessFor(principal), this.audit, this.metrics, session, route);
  }
}
