import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { RedisConnection } from './redis.connection.js';

/**
 * This replica's id and its liveness key in Redis, renewed four times per `store.redis.liveness_ttl`. A replica
 * killed outright stops renewing it, and once it expires the others know the calls it was running will never be
 * answered. The id is random (a restarted process is another replica) and short: it is part of event ids.
 */
@Injectable()
export class ReplicaLiveness implements OnModuleInit, OnApplicationShutdown {
  readonly id = randomBytes(6).toString('base64url');
  readonly ttlMs: number;
  private readonly logger = new Logger('ReplicaLiveness');
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly redis: RedisConnection,
    config: GatewayConfig,
  ) {
    this.ttlMs = config.store?.redis?.liveness_ttl ?? 5_000;
  }

  onModuleInit(): void {
    if (!this.redis.enabled) return;
    this.logger.log(`replica ${this.id} (${hostname()}, pid ${process.pid})`);
    this.beat();
    this.timer = setInterval(() => this.beat(), Math.max(100, this.ttlMs / 4));
    this.timer.unref();
  }

  /** The key another replica checks, to know whether `replica` is still there. */
  key(replica: string): string {
    return this.redis.key('replica', replica);
  }

  /** Whether `replica` still renews its key; undefined when Redis cannot say (down or slow). */
  async alive(replica: string): Promise<boolean | undefined> {
    const found = await this.redis.run('EXISTS replica', (redis) => redis.exists(this.key(replica)));
    return found === undefined ? undefined : found === 1;
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  private beat(): void {
    this.redis.write('SET replica', (redis) => redis.set(this.key(this.id), String(process.pid), 'PX', this.ttlMs));
  }
}
