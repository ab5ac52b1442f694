// The Redis the machine runs (REDIS_URL, default 127.0.0.1:6379), with a key prefix of its own per test run so
// parallel runs never see each other's keys. Nothing here flushes anything: a run deletes only its own prefix.
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';

export const redisUrl: string = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export function testKeyPrefix(name: string): string {
  return `mcp-gateway-test:${name}:${randomBytes(6).toString('hex')}:`;
}

/** Deletes every key under `prefix` (SCAN, never FLUSHALL). */
export async function deletePrefix(prefix: string): Promise<void> {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
