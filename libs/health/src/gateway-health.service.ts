import { Injectable } from '@nestjs/common';
import { BackendRegistry } from '@gateway/backends';
import { gatewayPackage, SecretRedactor } from '@gateway/config';
import { HealthComponents, type ComponentHealth } from './health-components.js';

export type GatewayStatus = 'healthy' | 'degraded' | 'unhealthy';

export interface BackendHealth {
  name: string;
  state: string;
  running: boolean;
  transport: string;
  tools_cached: number;
  circuit_state: string;
  /** The protocol revision spoken with the backend once connected: `2026-07-28` (modern) or the legacy one agreed. */
  protocol?: string;
  request_count: number;
  last_error?: string;
}

export interface GatewayHealth {
  status: GatewayStatus;
  version: string;
  uptime_s: number;
  backends: Record<string, BackendHealth>;
  /** Optional parts other than backends (present when any is configured), e.g. `search_embeddings`. */
  components?: Record<string, ComponentHealth>;
}

@Injectable()
export class GatewayHealthService {
  private readonly startedAt = Date.now();
  private draining = false;

  constructor(
    private readonly registry: BackendRegistry,
    private readonly redactor: SecretRedactor,
    private readonly components: HealthComponents,
  ) {}

  /**
   * healthy: every enabled backend ready; degraded: some; unhealthy: none, or none configured (a gateway with no
   * backend has nothing to serve: that is a configuration to fix, not a healthy gateway).
   */
  summary(): GatewayHealth {
    const backends: Record<string, BackendHealth> = {};
    for (const backend of this.registry.list()) {
      const status = backend.status();
      backends[status.name] = {
        name: status.name,
        state: status.state,
        running: status.running,
        transport: status.transport,
        tools_cached: status.tools_cached,
        circuit_state: backend.circuitState,
        request_count: status.request_count,
        ...(status.protocol ? { protocol: status.protocol } : {}),
        ...(status.last_error ? { last_error: this.redactor.redact(status.last_error) } : {}),
      };
    }
    const all = Object.values(backends);
    // A hibernating backend is idle, not down: it starts on the next request.
    const ready = all.filter((backend) => backend.running || backend.state === 'hibernating').length;
    const components = this.components.all();
    const partDegraded = Object.values(components).some((part) => part.status === 'degraded');
    const status: GatewayStatus =
      ready === 0 ? 'unhealthy' : ready === all.length && !partDegraded ? 'healthy' : 'degraded';
    for (const part of Object.values(components)) if (part.reason) part.reason = this.redactor.redact(part.reason);
    return {
      status,
      version: gatewayPackage().version,
      uptime_s: Math.round((Date.now() - this.startedAt) / 1000),
      backends,
      ...(Object.keys(components).length > 0 ? { components } : {}),
    };
  }

  /** Ready for traffic: not draining, and at least one backend ready (so never with none configured). */
  readiness(): { ready: boolean; ready_backends: number; backends: number; draining: boolean } {
    const all = this.registry.list();
    const readyCount = all.filter((backend) => backend.state === 'ready' || backend.state === 'hibernating').length;
    return {
      ready: !this.draining && readyCount > 0,
      ready_backends: readyCount,
      backends: all.length,
      draining: this.draining,
    };
  }

  startDraining(): void {
    this.draining = true;
  }
}
