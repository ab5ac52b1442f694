import { afterAll, describe, expect, it } from '@jest/globals';
import { GatewayConfig, RedisStoreConfig, SecretRedactor } from '@gateway/config';
import { RedisConnection, RedisTokenBucket } from '@gateway/store';
import { deletePrefix, redisUrl, testKeyPrefix } from '../../../test/helpers/redis.js';
import { freePort, waitFor } from '../../../test/helpers/processes.js';
import { BackendPolicy, type BackendPolicySettings } from './backend-policy.js';
import { RateLimitedError } from './resilience-errors.js';

const prefix = testKeyPrefix('backend-rate');
const SETTINGS: BackendPolicySettings = {
  rateLimit: { perSecond: 5, burst: 5 },
  concurrency: { max: 100, queue: 0 },
  deadlineMs: 5_000,
};
const CALL = { method: 'tools/call', repeatable: false, timeoutMs: 1_000 };

function connection(url: string, timeout = 2_000): RedisConnection {
  const config = new GatewayConfig();
  config.store.redis = Object.assign(new RedisStoreConfig(), { url, key_prefix: prefix, timeout });
  return new RedisConnection(config, SecretRedactor.forConfig(config));
}

/** Calls through each policy in turn, all at once; how many were let through. */
async function passed(policies: BackendPolicy[], calls: number): Promise<number> {
  const outcomes = await Promise.all(
    Array.from({ length: calls }, (_, n) =>
      policies[n % policies.length]
        .execute({ ...CALL, client: `session-${n % 2}` }, () => Promise.resolve('ok'))
        .then(
          () => true,
          (error: unknown) => {
            if (!(error instanceof RateLimitedError)) throw error;
            return false;
          },
        ),
    ),
  );
  return outcomes.filter(Boolean).length;
}

describe("a backend's rate limit across replicas (store.redis)", () => {
  const connections: RedisConnection[] = [];
  afterAll(async () => {
    await Promise.all(connections.map((c) => c.onApplicationShutdown()));
    await deletePrefix(prefix);
  });

  it('is one bucket for all replicas: three replicas let one burst through in all, not one each', async () => {
    const policies = [0, 1, 2].map(() => {
      const redis = connection(redisUrl);
      connections.push(redis);
      return new BackendPolicy('shared', SETTINGS, () => 'failed', Date.now, new RedisTokenBucket(redis));
    });
    await waitFor(() => connections.every((c) => c.healthy), { timeoutMs: 10_000, description: 'Redis' });
    const started = Date.now();
    const through = await passed(policies, 30);
    const refilled = Math.ceil((5 * (Date.now() - started)) / 1000);
    expect(through).toBeGreaterThanOrEqual(5);
    expect(through).toBeLessThanOrEqual(5 + refilled);
  });

  it('falls back to each replica limiting alone while Redis cannot answer', async () => {
    const down = connection(`redis://127.0.0.1:${await freePort()}`, 200);
    connections.push(down);
    const policies = [0, 1].map(
      () => new BackendPolicy('alone', SETTINGS, () => 'failed', Date.now, new RedisTokenBucket(down)),
    );
    // Each replica's own bucket: a burst of 5 each.
    expect(await passed(policies, 20)).toBe(10);
    expect(down.health()?.status).toBe('degraded');
  });
});
