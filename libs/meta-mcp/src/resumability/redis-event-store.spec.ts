import { afterAll, describe, expect, it } from '@jest/globals';
import { GatewayConfig, RedisStoreConfig, SecretRedactor } from '@gateway/config';
import { RedisConnection, RedisEventLog, RedisSessionDirectory } from '@gateway/store';
import { deletePrefix, redisUrl, testKeyPrefix } from '../../../../test/helpers/redis.js';
import { waitFor } from '../../../../test/helpers/processes.js';
import { InMemoryEventStore } from './in-memory-event-store.js';
import { RedisEventStore } from './redis-event-store.js';

const prefix = testKeyPrefix('event-store');

/** One replica's event store on the shared (real) Redis. */
async function replica(perStream = 100) {
  const config = new GatewayConfig();
  config.server.event_store.max_events_per_stream = perStream;
  config.store.redis = Object.assign(new RedisStoreConfig(), { url: redisUrl, key_prefix: prefix, timeout: 2000 });
  const redis = new RedisConnection(config, SecretRedactor.forConfig(config));
  await waitFor(() => redis.healthy, { timeoutMs: 10_000, description: 'Redis to connect' });
  const directory = new RedisSessionDirectory(redis, config);
  const store = new RedisEventStore(new InMemoryEventStore(config), new RedisEventLog(redis, directory, config));
  return { redis, directory, store };
}

const note = (n: number) => JSON.stringify({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });
const numbers = (events: { json: string }[]) =>
  events.map((e) => (JSON.parse(e.json) as { params: { n: number } }).params.n);
const flushed = () => new Promise((resolve) => setTimeout(resolve, 100));

describe('SSE events in Redis (store.redis)', () => {
  const replicas: Awaited<ReturnType<typeof replica>>[] = [];
  afterAll(async () => {
    await Promise.all(replicas.map((r) => r.redis.onApplicationShutdown()));
    await deletePrefix(prefix);
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
    expect((await b.store.openSession('session-3').after(ids[0]))!.events).toEqual([]);
    const other = a.store.openSession('session-4');
    const first = other.store('_GET_stream', note(1));
    other.store('_GET_stream', note(2));
    await flushed();
    a.directory.remove('session-4');
    await flushed();
    expect((await b.store.openSession('session-4').after(first))!.events).toEqual([]);
  });
});
