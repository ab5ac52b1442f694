import { afterAll, describe, expect, it } from '@jest/globals';
import { Redis } from 'ioredis';
import { GatewayConfig, RedisStoreConfig, SecretRedactor } from '@gateway/config';
import { RedisConnection, RedisEventLog, RedisSessionDirectory, ReplicaLiveness } from '@gateway/store';
import { deletePrefix, redisUrl, testKeyPrefix } from '../../../../test/helpers/redis.js';
import { waitFor } from '../../../../test/helpers/processes.js';
import { InMemoryEventStore } from './in-memory-event-store.js';
import { RedisEventStore } from './redis-event-store.js';

const prefix = testKeyPrefix('event-store');

/** One replica's event store on the shared (real) Redis. */
async function replica(perStream = 100, redisConfig: Partial<RedisStoreConfig> = {}) {
  const config = new GatewayConfig();
  config.server.event_store.max_events_per_stream = perStream;
  config.store.redis = Object.assign(new RedisStoreConfig(), {
    url: redisUrl,
    key_prefix: prefix,
    timeout: 2000,
    ...redisConfig,
  });
  const redis = new RedisConnection(config, SecretRedactor.forConfig(config));
  await waitFor(() => redis.healthy, { timeoutMs: 10_000, description: 'Redis to connect' });
  const liveness = new ReplicaLiveness(redis, config);
  liveness.onModuleInit();
  const directory = new RedisSessionDirectory(redis, config, liveness);
  const log = new RedisEventLog(redis, directory, liveness, config);
  const store = new RedisEventStore(new InMemoryEventStore(config), log);
  return { redis, directory, store, liveness, log };
}

const note = (n: number) => JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });
const numbers = (events: { json: string }[]) =>
  events.map((e) => (JSON.parse(e.json) as { params: { n: number } }).params.n);
const flushed = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('SSE events in Redis (store.redis)', () => {
  const replicas: Awaited<ReturnType<typeof replica>>[] = [];
  const prefixes = [prefix];
  afterAll(async () => {
    for (const r of replicas) r.liveness.onApplicationShutdown();
    await Promise.all(replicas.map((r) => r.redis.onApplicationShutdown()));
    for (const p of prefixes) await deletePrefix(p);
  });

  it('a client reconnecting with Last-Event-ID to another replica gets every event it missed, once, in order', async () => {
    const [a, b] = [await replica(), await replica()];
    replicas.push(a, b);
    const onA = a.store.openSession('session-1');
    onA.store('_GET_stream', undefined);
    const ids = [1, 2, 3, 4, 5].map((n) => onA.store('_GET_stream', note(n)));
    await flushed();
    // The client saw up to event 2 on replica A, then reconnects to B, which never held the session.
    const onB = b.store.openSession('session-1');
    const replay = await onB.after(ids[1]);
    expect(replay?.streamId).toBe('_GET_stream');
    expect(numbers(replay!.events)).toEqual([3, 4, 5]);
    expect(replay!.events.map((e) => e.id)).toEqual(ids.slice(2));
    // B goes on sending on the stream; a third replica resumes from B's last id and gets only what came after.
    const more = [6, 7].map((n) => onB.store('_GET_stream', note(n)));
    await flushed();
    const onA2 = a.store.openSession('session-1');
    expect(numbers((await onA2.after(more[0]))!.events)).toEqual([7]);
    // Another session's id is not this session's.
    expect(await b.store.openSession('session-2').after(ids[1])).toBeUndefined();
  });

  it('keeps at most max_events_per_stream per stream, and a delivered stream or a removed session is gone', async () => {
    const [a, b] = [await replica(3), await replica(3)];
    replicas.push(a, b);
    const onA = a.store.openSession('session-3');
    const ids = [1, 2, 3, 4, 5, 6].map((n) => onA.store('7', note(n)));
    await flushed();
    expect(numbers((await b.store.openSession('session-3').after(ids[0]))!.events)).toEqual([4, 5, 6]);
    onA.delivered('7');
    await flushed();
    // Nothing left to resume (the transport answers 400): the client stops asking.
    expect(await b.store.openSession('session-3').after(ids[0])).toBeUndefined();
    const other = a.store.openSession('session-4');
    const first = other.store('_GET_stream', note(1));
    other.store('_GET_stream', note(2));
    await flushed();
    a.directory.remove('session-4');
    await flushed();
    expect((await b.store.openSession('session-4').after(first))!.events).toEqual([]);
  });

  it('holds at most store.redis.max_events and max_bytes in total, across sessions and replicas, the oldest going first', async () => {
    const own = testKeyPrefix('event-bound');
    prefixes.push(own);
    const [a, b] = [
      await replica(100, { key_prefix: own, max_events: 5 }),
      await replica(100, { key_prefix: own, max_events: 5 }),
    ];
    replicas.push(a, b);
    const onA = a.store.openSession('bound-1');
    const onB = b.store.openSession('bound-2');
    const first = onA.store('_GET_stream', note(0));
    [1, 2, 3].map((n) => onA.store('_GET_stream', note(n)));
    await flushed();
    const ids = [4, 5, 6, 7].map((n) => onB.store('_GET_stream', note(n)));
    await flushed();
    const count = async () => {
      const redis = new Redis(redisUrl);
      try {
        const keys = await redis.keys(`${own}events:*:_GET_stream`);
        return (await Promise.all(keys.map((key) => redis.xlen(key)))).reduce((x, y) => x + y, 0);
      } finally {
        redis.disconnect();
      }
    };
    expect(await count()).toBe(5);
    // bound-1 had 0 to 3, the oldest of all: 0, 1 and 2 went; bound-2 keeps its four.
    const c = await replica(100, { key_prefix: own, max_events: 5 });
    replicas.push(c);
    expect(numbers((await c.store.openSession('bound-1').after(first))!.events)).toEqual([3]);
    expect(numbers((await c.store.openSession('bound-2').after(ids[0]))!.events)).toEqual([5, 6, 7]);

    // Bytes: each event is its id, its JSON and 64 bytes; a bound of about three events keeps three.
    const bytesPrefix = testKeyPrefix('event-bytes');
    prefixes.push(bytesPrefix);
    const big = 'x'.repeat(1000);
    const d = await replica(100, { key_prefix: bytesPrefix, max_bytes: 3 * 1250 });
    replicas.push(d);
    const onD = d.store.openSession('bytes-1');
    const start = onD.store('_GET_stream', undefined);
    for (let n = 1; n <= 6; n++) {
      onD.store('_GET_stream', JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { n, big } }));
    }
    await flushed();
    const fresh = await replica(100, { key_prefix: bytesPrefix, max_bytes: 3 * 1250 });
    replicas.push(fresh);
    expect(numbers((await fresh.store.openSession('bytes-1').after(start))!.events)).toEqual([4, 5, 6]);
  });

  it("another replica's call in flight: a replay waits for its answer, or answers an error once that replica is gone", async () => {
    const [a, b] = [await replica(100, { liveness_ttl: 800 }), await replica(100, { liveness_ttl: 800 })];
    replicas.push(a, b);
    const onA = a.store.openSession('in-flight');
    // A request's stream on A: its priming event, a progress notification, then the client's connection drops.
    const priming = onA.store('1', undefined, 41);
    onA.store('1', note(1));
    await flushed();
    const onB = b.store.openSession('in-flight');
    let answered = false;
    const replay = Promise.resolve(onB.after(priming)).finally(() => (answered = true));
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(answered).toBe(false);
    // A answers (its client gone, the response goes to the store): the replay on B carries it.
    onA.store('1', JSON.stringify({ jsonrpc: '2.0', id: 41, result: { content: [] } }));
    const resumed = (await replay)!;
    expect(resumed.streamId).not.toBe('1');
    expect(resumed.events.map((e) => JSON.parse(e.json) as { id?: number; result?: unknown })).toEqual([
      expect.objectContaining({ params: { n: 1 } }),
      { jsonrpc: '2.0', id: 41, result: { content: [] } },
    ]);

    // A second request on A, then A stops renewing its liveness (as when killed): B answers in its place.
    const second = onA.store('2', undefined, 'call-42');
    await flushed();
    a.liveness.onApplicationShutdown();
    const failed = (await onB.after(second))!;
    expect(failed.events).toHaveLength(1);
    const error = JSON.parse(failed.events[0].json) as { id: string; error: { message: string } };
    expect(error.id).toBe('call-42');
    expect(error.error.message).toBe(
      `replica ${a.liveness.id} handling this request stopped; the call's outcome is unknown`,
    );
    // Once delivered, the stream is gone: nothing more to resume, on any replica.
    onB.delivered(failed.streamId);
    await flushed();
    expect(await a.store.openSession('in-flight').after(failed.events[0].id)).toBeUndefined();
  });

  it("messages raised for the GET stream before the session's first GET reach that GET on another replica, once", async () => {
    const [a, b] = [await replica(), await replica()];
    replicas.push(a, b);
    const onA = a.store.openSession('held');
    [1, 2].map((n) => onA.store('_GET_stream', note(n)));
    await flushed();
    // The first GET, on B, gets them; a later GET without Last-Event-ID (on A, which raised them) gets none again.
    const onB = b.store.openSession('held');
    expect(numbers((await onB.firstOpen!('_GET_stream'))!)).toEqual([1, 2]);
    expect(await onA.firstOpen!('_GET_stream')).toEqual([]);
  });
});
