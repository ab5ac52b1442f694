// The Redis the machine runs (REDIS_URL, default 127.0.0.1:6379), with a key prefix of its own per test run so
// parallel runs never see each other's keys. Nothing here flushes anything: a run deletes only its own prefix.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createConnection } from 'node:net';
import { Redis } from 'ioredis';
import { freePort, killPid, waitFor } from './processes.js';

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

/** A redis-server of the test's own on a free loopback port (nothing saved to disk), to stop and restart at will. */
export interface OwnRedis {
  url: string;
  port: number;
  child: ChildProcess;
  /** SIGKILL by PID, wait for the exit. */
  kill(): Promise<void>;
}

export async function startOwnRedis(port?: number): Promise<OwnRedis> {
  const chosen = port ?? (await freePort());
  const child = spawn(
    'redis-server',
    ['--port', String(chosen), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'],
    { stdio: 'ignore' },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `redis://127.0.0.1:${chosen}`;
  await waitFor(
    async () => {
      const probe = new Redis(url, { maxRetriesPerRequest: 0, retryStrategy: () => null, lazyConnect: true });
      try {
        await probe.connect();
        return (await probe.ping()) === 'PONG';
      } catch {
        return false;
      } finally {
        probe.disconnect();
      }
    },
    { timeoutMs: 10_000, description: `redis-server on port ${chosen}` },
  );
  return {
    url,
    port: chosen,
    child,
    kill: async () => {
      if (child.pid !== undefined && child.exitCode === null) killPid(child.pid);
      await exited;
    },
  };
}

/** Commands Redis executes while it runs, as MONITOR prints them, each as its words joined by spaces. */
export interface RedisMonitor {
  readonly lines: string[];
  stop(): void;
}

/**
 * MONITOR on a plain socket: ioredis' monitor() can fail with "Command queue state error" when another client's
 * command arrives in the same packet as MONITOR's +OK (other suites use this Redis at the same time).
 * Resolves once monitoring is on.
 */
export function monitorRedis(url: string = redisUrl): Promise<RedisMonitor> {
  const { hostname, port } = new URL(url);
  const socket = createConnection({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
  const lines: string[] = [];
  let buffered = '';
  return new Promise((resolve, reject) => {
    let on = false;
    socket.once('error', reject);
    socket.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      let end: number;
      while ((end = buffered.indexOf('\r\n')) >= 0) {
        const line = buffered.slice(0, end);
        buffered = buffered.slice(end + 2);
        if (!on) {
          if (line !== '+OK') return reject(new Error(`MONITOR answered ${line}`));
          on = true;
          resolve({ lines, stop: () => socket.destroy() });
          continue;
        }
        // +1796154722.572538 [0 127.0.0.1:33384] "publish" "key" "value with \"quotes\""
        const words = [...line.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((match) => match[1].replace(/\\(.)/g, '$1'));
        if (words.length > 0) lines.push(words.join(' '));
      }
    });
    socket.write('MONITOR\r\n');
  });
}
