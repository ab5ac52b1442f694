import { Injectable, Logger } from '@nestjs/common';
import { GatewayMetrics } from '@gateway/metrics';
import { BackendRegistry } from './backend-registry.service.js';
import type { Backend } from './backend.js';
import { describe } from './backend-errors.js';
import type { BackendState } from './backend-status.js';
import type { CallOutcome } from '@gateway/resilience';
import type { ToolOutcome } from '@gateway/metrics';

/** Turns what each backend and its policy do into metrics and log lines (errors name backend, method and cause). */
@Injectable()
export class BackendTelemetry {
  constructor(registry: BackendRegistry, metrics: GatewayMetrics) {
    registry.watch((backend) => this.watch(backend, metrics));
    metrics.observeBackends(() =>
      registry.list().map((backend) => ({
        backend: backend.name,
        up: backend.state === 'ready',
        circuit: backend.circuitState,
        clientConnections: backend.clientConnections,
        ...(backend.policy?.load ?? { active: 0, queued: 0 }),
      })),
    );
  }

  private watch(backend: Backend, metrics: GatewayMetrics): void {
    const logger = new Logger(`backend:${backend.name}`);
    let previous: BackendState = backend.state;
    backend.on('state', (state) => {
      if (state === 'starting' && previous === 'failed') metrics.recordRestart(backend.name);
      if (state === 'hibernating') metrics.recordHibernation(backend.name);
      previous = state;
    });
    backend.on('clientConnectionFallback', () => metrics.recordClientConnectionFallback(backend.name));
    const policy = backend.policy;
    if (!policy) return;
    policy.on('call', ({ method, tool, toolError, outcome, seconds, probe, error }) => {
      if (probe) return;
      metrics.recordRequest(backend.name, method, outcome, seconds);
      if (tool !== undefined) {
        const known = backend.catalog.find(tool) ? tool : undefined;
        metrics.recordToolInvocation(backend.name, known, toolOutcome(outcome, toolError === true));
      }
      if (outcome === 'rate_limited') metrics.recordRateLimited('backend', backend.name);
      if (outcome === 'failure' || outcome === 'timeout') logger.warn(`${method} failed: ${describe(error)}`);
    });
    policy.on('retry', ({ method, attempt, delayMs, error }) => {
      metrics.recordRetry(backend.name, method);
      logger.log(`${method}: attempt ${attempt} in ${Math.round(delayMs)}ms after: ${describe(error)}`);
    });
    policy.on('circuit', (from, to) => {
      metrics.recordCircuitTransition(backend.name, from, to);
      const line = `circuit ${from} -> ${to}`;
      if (to === 'open') logger.warn(line);
      else logger.log(line);
    });
  }
}

function toolOutcome(outcome: CallOutcome, toolError: boolean): ToolOutcome {
  switch (outcome) {
    case 'ok':
      return toolError ? 'tool_error' : 'ok';
    case 'circuit_open':
    case 'rate_limited':
    case 'concurrency_limited':
      return 'rejected';
    case 'error':
    case 'timeout':
    case 'cancelled':
    case 'failure':
      return outcome;
  }
}
