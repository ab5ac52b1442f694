// What sharing through Redis costs: one replica without Redis, one with Redis (the home replica: every request finds
// its session in memory), and two replicas with Redis behind a round-robin proxy (every request of a session
// alternates replicas), on the same stdio echo backend, timed windows alternating in one run. Not part of
// `npm run bench`. Needs a Redis (REDIS_URL, default 127.0.0.1:6379); its keys go under a prefix of their own.
//
//   npm run bench:replicas -- [--sessions 8] [--runs 6] [--window-ms 2000]
//
// Prints each window, then the median calls/s, p50 and gateway CPU per call (the sum of both replicas behind the
// proxy) of each setup.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { LoadPool } from './lib/load-pool.js';
import { ProcessTracker } from './lib/process-tracker.js';
import { echoFixture } from './lib/servers.js';
import { alternateWindows, sameRunFlags } from './lib/same-run.js';
import { cleanEnv } from '../test/helpers/built-gateway.js';
import { freePort, fromRoot, waitFor } from '../test/helpers/processes.js';
import { deletePrefix, redisUrl, testKeyPrefix } from '../test/helpers/redis.js';
import { roundRobinProxy } from '../test/helpers/round-robin-proxy.js';

const { sessions, runs, windowMs } = sameRunFlags();
const prefix = testKeyPrefix('bench');

const tracker = new ProcessTracker();
process.once('SIGINT', () => void tracker.stopAll().finally(() => process.exit(130)));
const proxy = { close: () => undefined as void };
try {
  const startGateway = async (label: string, redis: boolean) => {
    const file = join(mkdtempSync(join(tmpdir(), 'mcp-gateway-replicas-')), 'gateway.yaml');
    writeFileSync(
      file,
      stringify({
        failsafe: { rate_limit: { enabled: false } },
        ...(redis ? { store: { redis: { url: redisUrl, key_prefix: prefix } } } : {}),
        backends: { echo_stdio: { command: process.execPath, args: [echoFixture, 'stdio'] } },
      }),
    );
    const port = await freePort();
    const args = [fromRoot('bin/mcp-gateway.js'), '--config', file, '--port', String(port), '--log-level', 'warn'];
    const proc = tracker.spawn(label, process.execPath, args, { env: cleanEnv() });
    await waitFor(
      async () => {
        const health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        const body = (await health?.json()) as { status: string } | undefined;
        return body?.status === 'healthy';
      },
      { timeoutMs: 60_000, description: `${label} healthy` },
    );
    return { port, pid: proc.pid };
  };
  const alone = await startGateway('no-redis', false);
  const home = await startGateway('redis', true);
  const pair = [await startGateway('replica-a', true), await startGateway('replica-b', true)];
  const server = roundRobinProxy(pair.map((replica) => ({ port: replica.port, alive: true, served: 0 })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.close = () => void server.close();
  const address = server.address();
  const proxyPort = typeof address === 'object' && address ? address.port : 0;
  const targets = [
    { label: 'one replica, no Redis', url: `http://127.0.0.1:${alone.port}/mcp/echo_stdio`, pid: alone.pid },
    { label: 'one replica, Redis', url: `http://127.0.0.1:${home.port}/mcp/echo_stdio`, pid: home.pid },
    {
      label: 'two replicas + proxy, Redis',
      url: `http://127.0.0.1:${proxyPort}/mcp/echo_stdio`,
      pid: pair[0].pid,
      cpuPids: pair.map((replica) => replica.pid),
    },
  ];
  const pool = LoadPool.start(tracker, 1, 'raw');
  const calls = [{ name: 'echo', arguments: { message: 'hello' }, expectText: 'hello' }];
  await alternateWindows(pool, targets, { runs, sessions, windowMs, calls });
  await pool.stop();
} finally {
  proxy.close();
  await tracker.stopAll();
  await deletePrefix(prefix);
}
