import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';
import { GatewayConfig, SecretRedactor, type RedisStoreConfig } from '@gateway/config';

/** Reconnect backoff: 100 ms doubling to 5 s, forever; a replica keeps serving from local state meanwhile. */
function reconnectDelay(attempt: number): number {
  return Math.min(5_000, 100 * 2 ** Math.min(attempt - 1, 6));
}

/**
 * The Redis that the replicas of one gateway share (`store.redis`), or nothing when unset. Every command goes
 * through run(): it is refused at once while Redis is not connected (no offline queue) and given up after
 * `store.redis.timeout`, so no request waits on Redis longer than that; failures mark the store degraded in
 * /health, naming Redis and the reason, and the caller falls back to local state.
 */
@Injectable()
export class RedisConnection implements OnApplicationShutdown {
  private readonly logger = new Logger('RedisStore');
  readonly config?: RedisStoreConfig;
  private readonly client?: Redis;
  private subscriber?: Redis;
  private readonly listeners = new Map<string, Set<(message: string) => void>>();
  private problem: string | undefined = 'connecting';
  private closing = false;

  constructor(
    config: GatewayConfig,
    private readonly redactor: SecretRedactor,
  ) {
    this.config = config.store?.redis;
    if (!this.config) return;
    this.client = this.connect('commands');
    this.client.on('ready', () => this.up());
  }

  /** For /health: undefined without Redis; else up, or degraded naming Redis and the reason. */
  health(): { status: 'up' | 'degraded'; reason?: string } | undefined {
    if (!this.client) return undefined;
    if (this.problem === undefined) return { status: 'up' };
    return { status: 'degraded', reason: `Redis ${this.where()}: ${this.problem}; serving from this replica's state` };
  }

  /** Redis is configured (it may still be down). */
  get enabled(): boolean {
    return this.client !== undefined;
  }

  /** Connected and answering within the timeout at the last command. */
  get healthy(): boolean {
    return this.enabled && this.problem === undefined;
  }

  get timeoutMs(): number {
    return this.config?.timeout ?? 0;
  }

  /** A key or channel under `store.redis.key_prefix`. */
  key(...parts: string[]): string {
    return `${this.config?.key_prefix ?? ''}${parts.join(':')}`;
  }

  /**
   * Runs commands on Redis; undefined when Redis is not configured, not connected, fails or takes longer than the
   * timeout (then /health says so until a command succeeds again).
   */
  async run<T>(what: string, command: (redis: Redis) => Promise<T>): Promise<T | undefined> {
    const client = this.client;
    if (!client || client.status !== 'ready') return undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} timed out after ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      const result = await Promise.race([command(client), timeout]);
      this.up();
      return result;
    } catch (error) {
      this.down(
        error instanceof Error && error.message.includes(what) ? error : new Error(`${what}: ${String(error)}`),
      );
      return undefined;
    } finally {
      clearTimeout(timer);
    }
  }

  /** Fire and forget (write-behind): the caller goes on at once. */
  write(what: string, command: (redis: Redis) => Promise<unknown>): void {
    void this.run(what, command);
  }

  publish(channel: string, message: string): void {
    this.write(`PUBLISH ${channel}`, (redis) => redis.publish(this.key(channel), message));
  }

  /** Messages on a channel from every replica (this one's included), delivered while Redis is up. */
  subscribe(channel: string, listener: (message: string) => void): void {
    if (!this.client) return;
    const name = this.key(channel);
    let set = this.listeners.get(name);
    if (!set) {
      set = new Set();
      this.listeners.set(name, set);
      this.subscriber ??= this.connectSubscriber();
      this.subscriber.subscribe(name).catch(() => undefined);
    }
    set.add(listener);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    const clients = [this.client, this.subscriber].filter((redis): redis is Redis => redis !== undefined);
    await Promise.all(clients.map((redis) => redis.quit().catch(() => redis.disconnect())));
  }

  private connectSubscriber(): Redis {
    const subscriber = this.connect('subscriber');
    subscriber.on('message', (channel: string, message: string) => {
      for (const listener of this.listeners.get(channel) ?? []) listener(message);
    });
    return subscriber;
  }

  private connect(role: string): Redis {
    const redis = new Redis(this.config!.url, {
      enableOfflineQueue: role === 'subscriber',
      maxRetriesPerRequest: role === 'subscriber' ? null : 0,
      connectTimeout: Math.max(1_000, this.timeoutMs),
      retryStrategy: (attempt) => (this.closing ? null : reconnectDelay(attempt)),
      lazyConnect: false,
    });
    redis.on('error', (error: Error) => this.down(error));
    redis.on('end', () => {
      if (!this.closing) this.down(new Error('connection closed'));
    });
    return redis;
  }

  private up(): void {
    if (this.problem === undefined) return;
    if (this.problem !== 'connecting') this.logger.log(`Redis ${this.where()} is back`);
    this.problem = undefined;
  }

  private down(error: Error): void {
    if (this.closing) return;
    const reason = this.redactor.redact(error.message || error.name);
    if (reason !== this.problem) {
      this.logger.warn(`Redis ${this.where()} unavailable: ${reason}; serving from local state, reconnecting`);
    }
    this.problem = reason;
  }

  /** host:port only: the URL may hold a password. */
  private where(): string {
    try {
      const url = new URL(this.config!.url);
      return `${url.hostname}:${url.port || '6379'}`;
    } catch {
      return '(store.redis.url)';
    }
  }
}
