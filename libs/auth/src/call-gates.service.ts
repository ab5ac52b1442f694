import { Injectable } from '@nestjs/common';
import { GatewayConfig, sessionTag } from '@gateway/config';
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

  /** The audit log names the session by its tag: the id itself is what lets a client use the session. */
  forSession(principal: Principal | undefined, session: string, route: string): CallGate | undefined {
    if (!this.needed) return undefined;
    const tag = session ? sessionTag(session) : '';
    return new CallGate(principal, this.accessFor(principal), this.audit, this.metrics, tag, route);
  }

  /** A request refused before any session: a backend the principal may use nothing of. Counted and audited. */
  refusedBackend(
    principal: Principal | undefined,
    route: string,
    backend: string,
    body: unknown,
    session: string | undefined,
  ): void {
    const message = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const method = typeof message.method === 'string' ? message.method : 'unknown';
    const params = typeof message.params === 'object' ? (message.params as Record<string, unknown>) : undefined;
    const id = message.id;
    const requestId = typeof id === 'string' || typeof id === 'number' ? id : undefined;
    this.forSession(principal, session ?? '', route)?.denied({ backend, method, params, requestId });
  }
}
