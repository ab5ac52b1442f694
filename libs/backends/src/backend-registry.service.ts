import {
  Inject,
  Injectable,
  Logger,
  NotFoundException,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { ConfigError, GatewayConfig, gatewayPackage } from '@gateway/config';
import { BackendPolicyFactory } from '@gateway/resilience';
import { Backend } from './backend.js';
import { classifyFailure } from './failure-classifier.js';
import { BACKEND_CONNECTORS, type BackendConnector } from './transports/backend-connector.js';

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

  constructor(
    config: GatewayConfig,
    @Inject(BACKEND_CONNECTORS) connectors: BackendConnector[],
    policies: BackendPolicyFactory,
  ) {
    const clientInfo = { name: 'mcp-gateway', version: gatewayPackage().version };
    const problems: string[] = [];
    for (const [name, backendConfig] of Object.entries(config.backends)) {
      if (!backendConfig.enabled) continue;
      const connector = connectors.find((candidate) => candidate.kinds.includes(backendConfig.kind));
      if (!connector) {
        problems.push(`backends.${name}.transport: no connector is registered for ${backendConfig.kind}`);
        continue;
      }
      if (backendConfig.custom) {
        problems.push(...(connector.validate?.(backendConfig.options ?? {}, `backends.${name}.options`) ?? []));
      }
      const backend = new Backend(name, backendConfig, {
        connector,
        clientInfo,
        requestTimeoutMs: config.server.request_timeout,
        connectTimeoutMs: config.server.connect_timeout,
        maxRequestDurationMs: config.server.max_request_duration,
        catalogTtlMs: config.meta_mcp.cache_ttl,
        cacheTools: config.meta_mcp.cache_tools,
        policy: policies.create(name, backendConfig, classifyFailure),
      });
      backend.on('state', (state) => {
        if (state === 'ready') this.failedAttempts.delete(name);
        if (state === 'failed') this.scheduleReconnect(backend);
      });
      this.backends.set(name, backend);
    }
    if (problems.length) throw new ConfigError(problems);
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
