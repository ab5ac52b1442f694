import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { CIRCUIT_VALUE, methodLabel, UNKNOWN_TOOL, type CircuitLabel, type ToolOutcome } from './metric-labels.js';

const PREFIX = 'mcp_gateway_';
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const SEARCH_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1];

export interface BackendSample {
  backend: string;
  up: boolean;
  circuit: CircuitLabel;
  active: number;
  queued: number;
  /** Connections open for single client sessions (session_mode auto or per_client). */
  clientConnections: number;
}

/**
 * Every metric the gateway exports, on a registry of its own (one per application, so two gateways in one process,
 * as in tests, never share counters). Other libs record through the methods; labels are backend names, MCP
 * methods, catalog tool names and fixed outcome words, never session ids or arguments.
 */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();
  private backendSource: () => BackendSample[] = () => [];
  private sessionSource: () => number = () => 0;
  private sseStreams = 0;

  private readonly requests = this.counter('backend_requests_total', 'Requests to backends, by outcome', [
    'backend',
    'method',
    'outcome',
  ]);
  private readonly requestSeconds = new Histogram({
    name: `${PREFIX}backend_request_duration_seconds`,
    help: 'Duration of requests to backends, retries and queueing included',
    labelNames: ['backend', 'method', 'outcome'],
    buckets: REQUEST_BUCKETS,
    registers: [this.registry],
  });
  private readonly tools = this.counter('tool_invocations_total', 'Tool calls forwarded to backends', [
    'backend',
    'tool',
    'outcome',
  ]);
  private readonly transitions = this.counter('circuit_transitions_total', 'Circuit breaker state changes', [
    'backend',
    'from',
    'to',
  ]);
  private readonly retries = this.counter('retries_total', 'Requests sent again after a failure', [
    'backend',
    'method',
  ]);
  private readonly rateLimited = this.counter(
    'rate_limit_rejections_total',
    'Requests refused by a rate limit: inbound (per client, HTTP 429) or backend (per backend)',
    ['scope', 'backend'],
  );
  private readonly restarts = this.counter('backend_restarts_total', 'Backend (re)starts after a failure', ['backend']);
  private readonly hibernations = this.counter('backend_hibernations_total', 'Idle stdio backends stopped', [
    'backend',
  ]);
  private readonly clientFallbacks = this.counter(
    'client_connection_fallbacks_total',
    'Client sessions given the shared backend connection because max_client_connections was reached',
    ['backend'],
  );
  private readonly healthChecks = this.counter('health_checks_total', 'Health-check pings, by outcome', [
    'backend',
    'outcome',
  ]);
  private readonly searchSeconds = new Histogram({
    name: `${PREFIX}search_duration_seconds`,
    help: 'Duration of gateway_search_tools queries',
    buckets: SEARCH_BUCKETS,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.backendGauge('backend_up', 'Whether the backend is connected (1) or not (0)', (sample) => (sample.up ? 1 : 0));
    this.backendGauge(
      'circuit_state',
      'Circuit breaker state: 0 closed, 1 half-open, 2 open',
      (sample) => CIRCUIT_VALUE[sample.circuit],
    );
    this.backendGauge('backend_active_requests', 'Requests running at the backend now', (sample) => sample.active);
    this.backendGauge('backend_queued_requests', 'Requests waiting for a concurrency slot', (sample) => sample.queued);
    this.backendGauge(
      'backend_client_connections',
      'Backend connections open for single client sessions',
      (sample) => sample.clientConnections,
    );
    this.scalarGauge('active_sessions', 'Open MCP client sessions', () => this.sessionSource());
    this.scalarGauge('open_sse_streams', 'Open server-to-client SSE streams (GET /mcp)', () => this.sseStreams);
  }

  /** Where the backend gauges read from at scrape time (the backend registry). */
  observeBackends(source: () => BackendSample[]): void {
    this.backendSource = source;
  }

  observeSessions(source: () => number): void {
    this.sessionSource = source;
  }

  recordRequest(backend: string, method: string, outcome: string, seconds: number): void {
    const labels = { backend, method: methodLabel(method), outcome };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
  }

  /** `tool` undefined: a name no catalog lists. */
  recordToolInvocation(backend: string, tool: string | undefined, outcome: ToolOutcome): void {
    this.tools.inc({ backend, tool: tool ?? UNKNOWN_TOOL, outcome });
  }

  recordCircuitTransition(backend: string, from: CircuitLabel, to: CircuitLabel): void {
    this.transitions.inc({ backend, from, to });
  }

  recordRetry(backend: string, method: string): void {
    this.retries.inc({ backend, method: methodLabel(method) });
  }

  recordRateLimited(scope: 'inbound' | 'backend', backend = ''): void {
    this.rateLimited.inc({ scope, backend });
  }

  recordRestart(backend: string): void {
    this.restarts.inc({ backend });
  }

  recordHibernation(backend: string): void {
    this.hibernations.inc({ backend });
  }

  recordClientConnectionFallback(backend: string): void {
    this.clientFallbacks.inc({ backend });
  }

  recordHealthCheck(backend: string, outcome: 'ok' | 'failure' | 'skipped'): void {
    this.healthChecks.inc({ backend, outcome });
  }

  observeSearch(seconds: number): void {
    this.searchSeconds.observe(seconds);
  }

  /** Counts an SSE stream as open until the returned function is called (extra calls do nothing). */
  sseStreamOpened(): () => void {
    this.sseStreams++;
    let open = true;
    return () => {
      if (!open) return;
      open = false;
      this.sseStreams--;
    };
  }

  private counter<T extends string>(name: string, help: string, labelNames: T[]): Counter<T> {
    return new Counter({ name: `${PREFIX}${name}`, help, labelNames, registers: [this.registry] });
  }

  private scalarGauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name: `${PREFIX}${name}`,
      help,
      registers: [this.registry],
      collect(this: Gauge) {
        this.set(read());
      },
    });
  }

  private backendGauge(name: string, help: string, value: (sample: BackendSample) => number): void {
    const samples = () => this.backendSource();
    new Gauge({
      name: `${PREFIX}${name}`,
      help,
      labelNames: ['backend'],
      registers: [this.registry],
      collect(this: Gauge<'backend'>) {
        this.reset();
        for (const sample of samples()) this.set({ backend: sample.backend }, value(sample));
      },
    });
  }
}
