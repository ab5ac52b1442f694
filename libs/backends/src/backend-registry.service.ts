import {
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigError, GatewayConfig, gatewayPackage, type BackendConfig } from '@gateway/config';
import { BackendPolicyFactory } from '@gateway/resilience';
import { Backend } from './backend.js';
import { classifyFailure } from './failure-classifier.js';
import { BACKEND_CONNECTORS, type BackendConnector } from './transports/backend-connector.js';

/** What a reload did to the backends, by name. */
export interface BackendChanges {
  added: string[];
  removed: string[];
  restarted: string[];
  kept: string[];
}

/** Two configs of one backend that would run it the same way (every key, the split command included). */
function sameSettings(a: BackendConfig, b: BackendConfig): boolean {
  return canonical(a) === canonical(b);
}

/** JSON with keys sorted at every level: the order keys were written in does not make a backend changed. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  const entries = Object.entries(value).filter(([, child]) => child !== undefined);
  entries.sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return `{${entries.map(([key, child]) => `${JSON.stringify(key)}:${canonical(child)}`).join(',')}}`;
}

const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30_000;

/**
 * Owns one Backend per enabled config entry. Connects them in the background at startup (a backend that fails does
 * not stop the gateway), retries failed ones with backoff, and stops them all at shutdown.
 */
@Injectable()
export class BackendRegistry implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BackendRegistry.name);
  private readonly backends = new Map<string, Backend>();
  private readonly retryTimers = new Map<string, NodeJS.Timeout>();
  /** Failed starts in a row per backend since it was last ready: the exponent of the next reconnect delay. */
  private readonly failedAttempts = new Map<string, number>();
  private shuttingDown = false;

  private readonly watchers: Array<{ added: (backend: Backend) => void; removed?: (backend: Backend) => void }> = [];
  private readonly clientInfo = { name: 'mcp-gateway', version: gatewayPackage().version };

  constructor(
    private readonly config: GatewayConfig,
    @Inject(BACKEND_CONNECTORS) private readonly connectors: BackendConnector[],
    private readonly policies: BackendPolicyFactory,
  ) {
    const problems = this.connectorProblems(config.backends);
    if (problems.length) throw new ConfigError(problems);
    for (const [name, backendConfig] of Object.entries(config.backends)) {
      if (backendConfig.enabled) this.backends.set(name, this.create(name, backendConfig));
    }
  }

  /**
   * Calls `added` for every backend now and for each one a reload adds later, and `removed` when a reload stops
   * one (a changed backend is removed, then its successor added). What subscribes to backend events uses this,
   * so the set of backends can change at run time.
   */
  watch(added: (backend: Backend) => void, removed?: (backend: Backend) => void): void {
    this.watchers.push({ added, removed });
    for (const backend of this.backends.values()) added(backend);
  }

  /**
   * Makes the running backends those of `next`: removed ones are stopped, added ones started, changed ones (any key)
   * restarted; an untouched backend keeps its Backend, connections, sessions and in-flight calls. Connector
   * problems (no connector for a transport, bad options) throw a ConfigError before anything changes.
   */
  async apply(next: Record<string, BackendConfig>): Promise<BackendChanges> {
    const problems = this.connectorProblems(next);
    if (problems.length) throw new ConfigError(problems);
    const wanted = new Map(Object.entries(next).filter(([, backendConfig]) => backendConfig.enabled));
    const changes: BackendChanges = { added: [], removed: [], restarted: [], kept: [] };
    const stopping: Array<Promise<void>> = [];
    for (const [name, backend] of [...this.backends]) {
      const successor = wanted.get(name);
      if (successor && sameSettings(backend.config, successor)) {
        changes.kept.push(name);
        continue;
      }
      (successor ? changes.restarted : changes.removed).push(name);
      stopping.push(this.remove(backend));
    }
    await Promise.all(stopping);
    this.config.backends = next;
    for (const [name, backendConfig] of wanted) {
      if (this.backends.has(name)) continue;
      if (!changes.restarted.includes(name)) changes.added.push(name);
      const backend = this.create(name, backendConfig);
      this.backends.set(name, backend);
      for (const watcher of this.watchers) watcher.added(backend);
      backend.start().catch(() => undefined);
    }
    return changes;
  }

  private async remove(backend: Backend): Promise<void> {
    this.backends.delete(backend.name);
    clearTimeout(this.retryTimers.get(backend.name));
    this.retryTimers.delete(backend.name);
    this.failedAttempts.delete(backend.name);
    for (const watcher of this.watchers) watcher.removed?.(backend);
    await backend.stop();
  }

  private connectorProblems(backends: Record<string, BackendConfig>): string[] {
    const problems: string[] = [];
    for (const [name, backendConfig] of Object.entries(backends)) {
      if (!backendConfig.enabled) continue;
      const connector = this.connectorFor(backendConfig);
      if (!connector) {
        problems.push(`backends.${name}.transport: no connector is registered for ${backendConfig.kind}`);
      } else if (backendConfig.custom) {
        problems.push(...(connector.validate?.(backendConfig.options ?? {}, `backends.${name}.options`) ?? []));
      }
    }
    return problems;
  }

  private connectorFor(backendConfig: BackendConfig): BackendConnector | undefined {
    return this.connectors.find((candidate) => candidate.kinds.includes(backendConfig.kind));
  }

  private create(name: string, backendConfig: BackendConfig): Backend {
    const { config } = this;
    const backend = new Backend(name, backendConfig, {
      connector: this.connectorFor(backendConfig)!,
      clientInfo: this.clientInfo,
      requestTimeoutMs: config.server.request_timeout,
      connectTimeoutMs: config.server.connect_timeout,
      maxRequestDurationMs: config.server.max_request_duration,
      catalogTtlMs: config.meta_mcp.cache_ttl,
      cacheTools: config.meta_mcp.cache_tools,
      policy: this.policies.create(name, backendConfig, classifyFailure),
    });
    backend.on('state', (state) => {
      if (state === 'ready') this.failedAttempts.delete(name);
      if (state === 'failed' && this.backends.get(name) === backend) this.scheduleReconnect(backend);
    });
    return backend;
  }

  onApplicationBootstrap(): void {
    for (const backend of this.backends.values()) {
      backend.start().catch(() => undefined);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.shuttingDown = true;
    for (const timer of this.retryTimers.values()) clearTimeout(timer);
    this.retryTimers.clear();
    await Promise.all([...this.backends.values()].map((backend) => backend.stop()));
  }

  list(): Backend[] {
    return [...this.backends.values()];
  }

  names(): string[] {
    return [...this.backends.keys()];
  }

  find(name: string): Backend | undefined {
    return this.backends.get(name);
  }

  get(name: string): Backend {
    const backend = this.backends.get(name);
    if (!backend) throw new NotFoundException(`unknown backend "${name}"; known: ${this.names().join(', ') || 'none'}`);
    return backend;
  }

  /**
   * Keeps trying a failed backend in the background, so it is ready again without waiting for a caller: 1 s after
   * the first failure, doubling to 30 s while it keeps failing. Every failed start (the background one or a caller's)
   * passes through the `failed` state, which lands here; one timer at a time per backend.
   */
  private scheduleReconnect(backend: Backend): void {
    if (this.shuttingDown || this.retryTimers.has(backend.name)) return;
    const attempt = this.failedAttempts.get(backend.name) ?? 0;
    this.failedAttempts.set(backend.name, attempt + 1);
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** attempt);
    const timer = setTimeout(() => {
      this.retryTimers.delete(backend.name);
      if (this.shuttingDown || backend.state !== 'failed') return;
      backend.start().then(
        () => this.logger.log(`backend ${backend.name} reconnected`),
        () => undefined,
      );
    }, delay);
    timer.unref();
    this.retryTimers.set(backend.name, timer);
  }
}
