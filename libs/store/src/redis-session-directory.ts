import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { RedisConnection } from './redis.connection.js';
import { ReplicaLiveness } from './replica-liveness.js';

const CLOSED_CHANNEL = 'session-closed';
const RELAY_CHANNEL = 'session-relay';
const CHANGED_CHANNEL = 'session-changed';

/** What another replica needs to serve a session: opaque to the store, JSON. */
export type SessionRecord = Record<string, unknown>;

/**
 * Session records shared by the replicas, each with a sliding expiry (`store.redis.session_ttl`, else
 * `server.session_idle_timeout`). Writes are write-behind; touch() refreshes the expiry at most four times a TTL,
 * so a request to the replica that holds its session pays no Redis round trip. remove() deletes the record and the
 * session's events and tells every replica to drop its copy.
 */
@Injectable()
export class RedisSessionDirectory {
  readonly ttlMs: number;
  private readonly touched = new Map<string, number>();

  constructor(
    private readonly redis: RedisConnection,
    config: GatewayConfig,
    private readonly liveness: ReplicaLiveness,
  ) {
    this.ttlMs = config.store?.redis?.session_ttl ?? config.server.session_idle_timeout;
  }

  save(id: string, record: SessionRecord): void {
    this.touched.set(id, Date.now());
    const json = JSON.stringify(record);
    this.redis.write('SET session', (redis) => redis.set(this.redis.key('session', id), json, 'PX', this.ttlMs));
  }

  /**
   * Appends to the session's changes: a list of its own, so that replicas changing one session at once never
   * overwrite each other's (at most the latest 256 are kept); and tells the other replicas holding the session.
   */
  change(id: string, change: object): void {
    const key = this.redis.key('session', id, 'changes');
    const json = JSON.stringify(change);
    this.redis.write('RPUSH session change', (redis) =>
      redis.multi().rpush(key, json).ltrim(key, -256, -1).pexpire(key, this.ttlMs).exec(),
    );
    this.redis.publish(CHANGED_CHANNEL, JSON.stringify({ id, change, from: this.liveness.id }));
  }

  /** Told of each change made to a session on another replica. */
  onChanged<T>(listener: (id: string, change: T) => void): void {
    this.redis.subscribe(CHANGED_CHANNEL, (text) => {
      const { id, change, from } = JSON.parse(text) as { id: string; change: T; from: string };
      if (from !== this.liveness.id) listener(id, change);
    });
  }

  /**
   * The record, with `changes` in the order they were made; undefined when there is none, or Redis is down or slow
   * (the caller answers as for an unknown session).
   */
  async load(id: string): Promise<SessionRecord | undefined> {
    const reply = await this.redis.run('GET session', (redis) =>
      redis
        .multi()
        .get(this.redis.key('session', id))
        .lrange(this.redis.key('session', id, 'changes'), 0, -1)
        .exec(),
    );
    const json = reply?.[0]?.[1] as string | null | undefined;
    if (!json) return undefined;
    this.touched.set(id, Date.now());
    const changes = ((reply?.[1]?.[1] as string[] | undefined) ?? []).map((change) => JSON.parse(change) as unknown);
    return { ...(JSON.parse(json) as SessionRecord), changes };
  }

  /** Slides the expiry of the record and the session's events, without waiting, at most every ttl/4. */
  touch(id: string): void {
    const now = Date.now();
    const last = this.touched.get(id) ?? 0;
    if (now - last < this.ttlMs / 4) return;
    this.touched.set(id, now);
    this.redis.write('PEXPIRE session', (redis) =>
      redis
        .multi()
        .pexpire(this.redis.key('session', id), this.ttlMs)
        .pexpire(this.redis.key('session', id, 'changes'), this.ttlMs)
        .pexpire(this.redis.key('events', id), this.ttlMs)
        .pexpire(this.redis.key('events', id, 'requests'), this.ttlMs)
        .pexpire(this.redis.key('events', id, 'opened'), this.ttlMs)
        .exec(),
    );
  }

  /** This replica no longer holds the session (it stays in Redis for the others). */
  forget(id: string): void {
    this.touched.delete(id);
  }

  /** Gone everywhere: the record, the session's events, and every replica's copy. */
  remove(id: string): void {
    this.touched.delete(id);
    this.redis.write('DEL session', async (redis) => {
      const streamsKey = this.redis.key('events', id);
      const streams = await redis.smembers(streamsKey);
      const keys = streams.map((stream) => this.redis.key('events', id, stream));
      await redis.del(
        this.redis.key('session', id),
        this.redis.key('session', id, 'changes'),
        this.redis.key('events', id, 'requests'),
        this.redis.key('events', id, 'opened'),
        streamsKey,
        ...keys,
      );
    });
    this.redis.publish(CLOSED_CHANNEL, id);
  }

  /** Publishes a session's message to every replica (the one that can deliver it does). */
  relay(id: string, message: object): void {
    this.redis.publish(RELAY_CHANNEL, JSON.stringify({ id, message }));
  }

  onRelay<T>(listener: (id: string, message: T) => void): void {
    this.redis.subscribe(RELAY_CHANNEL, (text) => {
      const { id, message } = JSON.parse(text) as { id: string; message: T };
      listener(id, message);
    });
  }

  /** Told of every session removed on any replica. */
  onRemoved(listener: (id: string) => void): void {
    this.redis.subscribe(CLOSED_CHANNEL, listener);
  }
}
