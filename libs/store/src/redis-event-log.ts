import { Injectable } from '@nestjs/common';
import type { ChainableCommander, Redis } from 'ioredis';
import { GatewayConfig } from '@gateway/config';
import { RedisConnection } from './redis.connection.js';
import { RedisSessionDirectory } from './redis-session-directory.js';
import { ReplicaLiveness } from './replica-liveness.js';

/** One SSE event as Redis keeps it; json undefined for a priming event. */
export interface LoggedEvent {
  readonly id: string;
  readonly json?: string;
}

/** A stream as Redis has it, for a replay on a replica that did not send it. */
export interface LoggedStream {
  readonly events: LoggedEvent[];
  /** The JSON-RPC id of the request the stream answers (none for the GET stream, or once it was delivered). */
  readonly requestId?: string | number;
  /** Whether the replica that sent it still renews its liveness key (asked for with `owner`). */
  readonly ownerAlive?: boolean;
}

/** What one event costs in Redis besides its id and JSON: the stream entry and its entry in the order index. */
export const REDIS_EVENT_OVERHEAD_BYTES = 64;

/**
 * Appends an event to its stream (capped at ARGV[1] entries), records it in the order index of every event, and
 * evicts the oldest events of all sessions while the index holds more than ARGV[2] events or ARGV[3] bytes. The
 * index also counts events already gone (delivered, expired, trimmed): the bound may evict early, never late.
 * KEYS: the stream, the session's set of streams, the order index, the byte count.
 * ARGV: per stream, max events, max bytes, ttl ms, stream id, event id, json ('' for none), '1' when there is json.
 */
const APPEND = `
local fields = {'id', ARGV[6]}
if ARGV[8] == '1' then fields = {'id', ARGV[6], 'json', ARGV[7]} end
local entry = redis.call('XADD', KEYS[1], 'MAXLEN', ARGV[1], '*', unpack(fields))
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('SADD', KEYS[2], ARGV[5])
redis.call('PEXPIRE', KEYS[2], ARGV[4])
local bytes = string.len(ARGV[6]) + string.len(ARGV[7]) + ${REDIS_EVENT_OVERHEAD_BYTES}
redis.call('XADD', KEYS[3], '*', 'k', KEYS[1], 'e', entry, 'b', bytes)
local total = redis.call('INCRBY', KEYS[4], bytes)
redis.call('PEXPIRE', KEYS[3], ARGV[4])
redis.call('PEXPIRE', KEYS[4], ARGV[4])
local count = redis.call('XLEN', KEYS[3])
local max = tonumber(ARGV[2])
local maxBytes = tonumber(ARGV[3])
while count > max or total > maxBytes do
  local oldest = redis.call('XRANGE', KEYS[3], '-', '+', 'COUNT', 1)[1]
  if not oldest then break end
  local f = oldest[2]
  redis.call('XDEL', f[2], f[4])
  redis.call('XDEL', KEYS[3], oldest[1])
  total = redis.call('DECRBY', KEYS[4], tonumber(f[6]))
  count = count - 1
end
return entry
`;

type AppendingPipeline = ChainableCommander & {
  gatewayAppendEvent(...args: (string | number)[]): ChainableCommander;
};

/**
 * SSE events in Redis Streams, one stream per (session, SSE stream), capped at `event_store.max_events_per_stream`
 * entries, and in total at `store.redis.max_events` and `max_bytes` across every session and replica (the oldest
 * go first), expiring with the session. Appends are batched into one pipeline per tick and never awaited, so
 * sending an event costs the request nothing; only a replay on a replica that did not send the events reads Redis.
 * Evicting across sessions touches keys a script computes: a single Redis (with replicas if you like), not Cluster.
 */
@Injectable()
export class RedisEventLog {
  private readonly perStream: number;
  private readonly maxEvents: number;
  private readonly maxBytes: number;
  private batch: ((pipeline: AppendingPipeline) => void)[] = [];

  constructor(
    private readonly redis: RedisConnection,
    private readonly sessions: RedisSessionDirectory,
    readonly liveness: ReplicaLiveness,
    config: GatewayConfig,
  ) {
    this.perStream = config.server.event_store.max_events_per_stream;
    this.maxEvents = config.store?.redis?.max_events ?? 100_000;
    this.maxBytes = config.store?.redis?.max_bytes ?? 64 * 1024 ** 2;
  }

  append(sessionId: string, streamId: string, event: LoggedEvent): void {
    const keys = [
      this.redis.key('events', sessionId, streamId),
      this.redis.key('events', sessionId),
      this.redis.key('events-order'),
      this.redis.key('events-bytes'),
    ];
    const args = [this.perStream, this.maxEvents, this.maxBytes, this.sessions.ttlMs, streamId, event.id];
    const json = event.json === undefined ? ['', '0'] : [event.json, '1'];
    this.queue((pipeline) => pipeline.gatewayAppendEvent(...keys, ...args, ...json));
  }

  /** A request's stream opened: the id its response will have, for another replica to answer if this one dies. */
  opened(sessionId: string, streamId: string, requestId: string | number): void {
    const key = this.redis.key('events', sessionId, 'requests');
    const ttl = this.sessions.ttlMs;
    this.queue((pipeline) => pipeline.hset(key, streamId, JSON.stringify(requestId)).pexpire(key, ttl));
  }

  /** Every event kept for a stream, oldest first; undefined when Redis cannot answer in time. */
  async read(sessionId: string, streamId: string): Promise<LoggedEvent[] | undefined> {
    return (await this.readStream(sessionId, streamId))?.events;
  }

  /**
   * A stream's events, oldest first, the request it answers and, given the replica that sent it, whether that
   * replica is alive; undefined when Redis cannot answer in time.
   */
  async readStream(sessionId: string, streamId: string, owner?: string): Promise<LoggedStream | undefined> {
    const reply = await this.redis.run('XRANGE events', (redis) =>
      redis
        .multi()
        .xrange(this.redis.key('events', sessionId, streamId), '-', '+')
        .hget(this.redis.key('events', sessionId, 'requests'), streamId)
        .exists(this.liveness.key(owner ?? this.liveness.id))
        .exec(),
    );
    if (!reply || reply.some(([error]) => error)) return undefined;
    const entries = reply[0][1] as [string, string[]][];
    const request = reply[1][1] as string | null;
    const events = entries.map(([, fields]) => fromFields(fields));
    return {
      events,
      requestId: request === null ? undefined : (JSON.parse(request) as string | number),
      ownerAlive: owner === undefined ? undefined : reply[2][1] === 1,
    };
  }

  /**
   * For a GET stream opened without Last-Event-ID: whether it is the session's first on any replica and, if so, the
   * events its stream `streamId` got before (raised while no GET stream was open), oldest first. Undefined when
   * Redis cannot answer in time.
   */
  async firstOpen(sessionId: string, streamId: string): Promise<{ first: boolean; events: LoggedEvent[] } | undefined> {
    const reply = await this.redis.run('SET first GET', (redis) =>
      redis
        .multi()
        .set(this.redis.key('events', sessionId, 'opened'), '1', 'PX', this.sessions.ttlMs, 'NX')
        .xrange(this.redis.key('events', sessionId, streamId), '-', '+')
        .exec(),
    );
    if (!reply || reply.some(([error]) => error)) return undefined;
    if (reply[0][1] !== 'OK') return { first: false, events: [] };
    return { first: true, events: (reply[1][1] as [string, string[]][]).map(([, fields]) => fromFields(fields)) };
  }

  /** A stream reached its client whole: nobody will ask for it again. */
  drop(sessionId: string, streamId: string): void {
    this.queue((pipeline) =>
      pipeline
        .del(this.redis.key('events', sessionId, streamId))
        .srem(this.redis.key('events', sessionId), streamId)
        .hdel(this.redis.key('events', sessionId, 'requests'), streamId),
    );
  }

  private queue(command: (pipeline: AppendingPipeline) => void): void {
    if (!this.redis.enabled) return;
    this.batch.push(command);
    if (this.batch.length > 1) return;
    setImmediate(() => {
      const batch = this.batch;
      this.batch = [];
      this.redis.write('XADD events', (redis) => {
        const pipeline = withAppend(redis).pipeline() as AppendingPipeline;
        for (const add of batch) add(pipeline);
        return pipeline.exec();
      });
    });
  }
}

/** The client with the append script defined (ioredis loads it once, and again after a Redis restart). */
function withAppend(redis: Redis): Redis {
  if (!('gatewayAppendEvent' in redis)) redis.defineCommand('gatewayAppendEvent', { numberOfKeys: 4, lua: APPEND });
  return redis;
}

function fromFields(fields: string[]): LoggedEvent {
  const value = (name: string) => {
    const at = fields.indexOf(name);
    return at >= 0 && at % 2 === 0 ? fields[at + 1] : undefined;
  };
  return { id: value('id') ?? '', json: value('json') };
}
