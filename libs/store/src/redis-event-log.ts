import { Injectable } from '@nestjs/common';
import type { ChainableCommander } from 'ioredis';
import { GatewayConfig } from '@gateway/config';
import { RedisConnection } from './redis.connection.js';
import { RedisSessionDirectory } from './redis-session-directory.js';

/** One SSE event as Redis keeps it; json undefined for a priming event. */
export interface LoggedEvent {
  readonly id: string;
  readonly json?: string;
}

/**
 * SSE events in Redis Streams, one stream per (session, SSE stream), capped at `event_store.max_events_per_stream`
 * entries, expiring with the session. Appends are batched into one pipeline per tick and never awaited, so sending
 * an event costs the request nothing; only a replay on a replica that did not send the events reads Redis.
 */
@Injectable()
export class RedisEventLog {
  private readonly perStream: number;
  private batch: ((pipeline: ChainableCommander) => void)[] = [];

  constructor(
    private readonly redis: RedisConnection,
    private readonly sessions: RedisSessionDirectory,
    config: GatewayConfig,
  ) {
    this.perStream = config.server.event_store.max_events_per_stream;
  }

  append(sessionId: string, streamId: string, event: LoggedEvent): void {
    const key = this.redis.key('events', sessionId, streamId);
    const streams = this.redis.key('events', sessionId);
    const ttl = this.sessions.ttlMs;
    const fields = event.json === undefined ? ['id', event.id] : ['id', event.id, 'json', event.json];
    this.queue((pipeline) =>
      pipeline
        .xadd(key, 'MAXLEN', String(this.perStream), '*', ...fields)
        .pexpire(key, ttl)
        .sadd(streams, streamId)
        .pexpire(streams, ttl),
    );
  }

  /** Every event kept for a stream, oldest first; undefined when Redis cannot answer in time. */
  async read(sessionId: string, streamId: string): Promise<LoggedEvent[] | undefined> {
    const entries = await this.redis.run('XRANGE events', (redis) =>
      redis.xrange(this.redis.key('events', sessionId, streamId), '-', '+'),
    );
    return entries?.map(([, fields]) => {
      const value = (name: string) => {
        const at = fields.indexOf(name);
        return at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
      };
      return { id: value('id') ?? '', json: value('json') };
    });
  }

  /** A stream reached its client whole: nobody will ask for it again. */
  drop(sessionId: string, streamId: string): void {
    this.queue((pipeline) =>
      pipeline.del(this.redis.key('events', sessionId, streamId)).srem(this.redis.key('events', sessionId), streamId),
    );
  }

  private queue(command: (pipeline: ChainableCommander) => void): void {
    if (!this.redis.enabled) return;
    this.batch.push(command);
    if (this.batch.length > 1) return;
    setImmediate(() => {
      const batch = this.batch;
      this.batch = [];
      this.redis.write('XADD events', (redis) => {
        const pipeline = redis.pipeline();
        for (const add of batch) add(pipeline);
        return pipeline.exec();
      });
    });
  }
}
