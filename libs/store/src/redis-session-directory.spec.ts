import { afterAll, describe, expect, it } from '@jest/globals';
import { GatewayConfig, RedisStoreConfig, SecretRedactor } from '@gateway/config';
import { deletePrefix, redisUrl, testKeyPrefix } from '../../../test/helpers/redis.js';
import { waitFor } from '../../../test/helpers/processes.js';
import { RedisConnection } from './redis.connection.js';
import { RedisSessionDirectory } from './redis-session-directory.js';
import { ReplicaLiveness } from './replica-liveness.js';

const prefix = testKeyPrefix('directory');

describe('RedisSessionDirectory (real Redis)', () => {
  const connections: RedisConnection[] = [];
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.onApplicationShutdown()));
    await deletePrefix(prefix);
  });

  /** One replica's directory; session_ttl 1.5 s. */
  async function replica(): Promise<RedisSessionDirectory> {
    const config = new GatewayConfig();
    config.store.redis = Object.assign(new RedisStoreConfig(), {
      url: redisUrl,
      key_prefix: prefix,
      timeout: 2_000,
      session_ttl: 1_500,
    });
    const redis = new RedisConnection(config, SecretRedactor.forConfig(config));
    connections.push(redis);
    await waitFor(() => redis.healthy, { timeoutMs: 10_000, description: 'Redis' });
    return new RedisSessionDirectory(redis, config, new ReplicaLiveness(redis, config));
  }

  it('a record saved on one replica loads on another with the changes every replica appended, in order', async () => {
    const [a, b] = [await replica(), await replica()];
    a.save('s1', { route: 'fault', owner: 'alice' });
    a.change('s1', { method: 'logging/setLevel', params: { level: 'debug' } });
    b.change('s1', { method: 'resources/subscribe', params: { uri: 'x://1' } });
    const loaded = await waitFor(async () => {
      const record = await b.load('s1');
      return (record?.changes as unknown[] | undefined)?.length === 2 ? record : undefined;
    });
    expect(loaded).toEqual({
      route: 'fault',
      owner: 'alice',
      changes: [
        { method: 'logging/setLevel', params: { level: 'debug' } },
        { method: 'resources/subscribe', params: { uri: 'x://1' } },
      ],
    });
    expect(await b.load('unknown')).toBeUndefined();
  });

  it('expires after session_ttl without use, and remove() deletes it and tells every replica', async () => {
    const [a, b] = [await replica(), await replica()];
    a.save('idle', { route: 'fault' });
    await waitFor(async () => (await b.load('idle')) !== undefined);
    await waitFor(async () => (await b.load('idle')) === undefined, { timeoutMs: 5_000, description: 'expiry' });

    const removed: string[] = [];
    b.onRemoved((id) => removed.push(id));
    // The subscription is in place once a message published after it arrives.
    await new Promise((resolve) => setTimeout(resolve, 200));
    a.save('gone', { route: 'fault' });
    await waitFor(async () => (await b.load('gone')) !== undefined);
    a.remove('gone');
    await waitFor(() => removed.includes('gone'), { description: 'the removal on the other replica' });
    expect(await b.load('gone')).toBeUndefined();
  });
});
