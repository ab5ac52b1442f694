// What sharing through Redis costs: one replica without Redis, one with Redis (the home replica: every request finds
// its session in memory), and two replicas with Redis behind a round-robin proxy (every request of a session
// alternates replicas), on the same stdio echo backend, timed windows alternating in one run. Not part of
// `npm run bench`. The home replica gets a redis-server of its own (started here, on a free loopback port), so that
// the commands it sends per call can be counted; the pair uses REDIS_URL (default 127.0.0.1:6379) under a key
// prefix of its own.
//
//   npm run bench:replicas -- [--sessions 8] [--runs 6] [--window-ms 2000]
//
// Prints each window, the median calls/s, p50 and gateway CPU per call (the sum of both replicas behind the proxy)
// of each setup, then the Redis cost per call on the home replica and a Markdown table of it all.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { LoadPool } from './lib/load-pool.js';
import { ProcessTracker } from './lib/process-tracker.js';
import { RawMcpSession } from './lib/raw-mcp.js';
import { echoFixture } from './lib/servers.js';
import { alternateWindows, sameRunFlags } from './lib/same-run.js';
import { cleanEnv } from '../test/helpers/built-gateway.js';
import { freePort, fromRoot, waitFor } from '../test/helpers/processes.js';
import { deletePrefix, redisUrl, startOwnRedis, testKeyPrefix, type OwnRedis } from '../test/helpers/redis.js';
import { roundRobinProxy } from '../test/helpers/round-robin-proxy.js';

const { sessions, runs, windowMs } = sameRunFlags();
const prefix = testKeyPrefix('bench');
/** Calls counted on the home replica, one session, one after the other. */
const COUNTED_CALLS = 2_000;

const tracker = new ProcessTracker();
let ownRedis: OwnRedis | undefined;
process.once('SIGINT', () => void Promise.all([tracker.stopAll(), ownRedis?.kill()]).finally(() => process.exit(130)));
const proxy = { close: () => undefined as void };
try {
  ownRedis = await startOwnRedis();
  const startGateway = async (label: string, redis: string | undefined) => {
    const file = join(mkdtempSync(join(tmpdir(), 'mcp-gateway-replicas-')), 'gateway.yaml');
    writeFileSync(
      file,
      stringify({
        failsafe: { rate_limit: { enabled: false } },
        ...(redis ? { store: { redis: { url: redis, key_prefix: prefix } } } : {}),
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
  const alone = await startGateway('no-redis', undefined);
  const home = await startGateway('redis', ownRedis.url);
  const pair = [await startGateway('replica-a', redisUrl), await startGateway('replica-b', redisUrl)];
  const server = roundRobinProxy(pair.map((replica) => ({ port: replica.port, alive: true, served: 0 })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.close = () => void server.close();
  const address = server.address();
  const proxyPort = typeof address === 'object' && address ? address.port : 0;
  const labels = {
    alone: 'one replica, no Redis',
    home: 'one replica, Redis',
    pair: 'two replicas + proxy, Redis',
  };
  const targets = [
    { label: labels.alone, url: `http://127.0.0.1:${alone.port}/mcp/echo_stdio`, pid: alone.pid },
    { label: labels.home, url: `http://127.0.0.1:${home.port}/mcp/echo_stdio`, pid: home.pid },
    {
      label: labels.pair,
      url: `http://127.0.0.1:${proxyPort}/mcp/echo_stdio`,
      pid: pair[0].pid,
      cpuPids: pair.map((replica) => replica.pid),
    },
  ];
  const pool = LoadPool.start(tracker, 1, 'raw');
  const calls = [{ name: 'echo', arguments: { message: 'hello' }, expectText: 'hello' }];
  const medians = await alternateWindows(pool, targets, { runs, sessions, windowMs, calls });
  await pool.stop();

  // Commands the home replica sends its own Redis per call: counted by Redis over COUNTED_CALLS calls, less what
  // it sends idle over as long (the liveness heartbeat), less the INFO reads themselves.
  const counter = new Redis(ownRedis.url);
  const commands = async () => Number(/total_commands_processed:(\d+)/.exec(await counter.info('stats'))![1]);
  /** Calls per command (those scripts run included). */
  const byCommand = async () =>
    new Map(
      [...(await counter.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)].map(
        ([, name, n]) => [name, Number(n)] as const,
      ),
    );
  const session = await RawMcpSession.open(`http://127.0.0.1:${home.port}/mcp/echo_stdio`);
  await session.callTool('echo', { message: 'warm' });
  const stats = await byCommand();
  const before = await commands();
  const started = Date.now();
  for (let n = 0; n < COUNTED_CALLS; n++) await session.callTool('echo', { message: 'hello' });
  const busyMs = Date.now() - started;
  const during = (await commands()) - before - 1;
  const made = [...(await byCommand())]
    .map(([name, n]) => [name, n - (stats.get(name) ?? 0)] as const)
    .filter(([name, n]) => n > 0 && name !== 'info')
    .map(([name, n]) => `${name} ${n}`);
  const idleStart = await commands();
  await new Promise((resolve) => setTimeout(resolve, busyMs));
  const idle = (await commands()) - idleStart - 1;
  await session.close();
  counter.disconnect();
  const perCall = Math.max(0, during - idle) / COUNTED_CALLS;
  console.log(
    `home replica: ${during} Redis commands in ${COUNTED_CALLS} calls (${busyMs} ms), ${idle} idle over as long: ` +
      `${perCall.toFixed(4)} commands per call (${made.join(', ')})`,
  );

  const a = medians.get(labels.alone)!;
  const h = medians.get(labels.home)!;
  const p = medians.get(labels.pair)!;
  console.log(
    `Redis cost per call on the home replica: ${perCall.toFixed(4)} Redis commands, ` +
      `CPU ${(h.cpu - a.cpu >= 0 ? '+' : '') + (h.cpu - a.cpu).toFixed(3)} ms, ` +
      `p50 ${(h.p50 - a.p50 >= 0 ? '+' : '') + (h.p50 - a.p50).toFixed(2)} ms (medians, within the noise of a window)`,
  );
  console.log('\n| Setup | calls/s | p50 | gateway CPU per call |\n| --- | --- | --- | --- |');
  for (const [label, m] of [
    ['one replica, no Redis', a],
    ['one replica, `store.redis` (home replica)', h],
    ['two replicas + round-robin proxy, `store.redis`', p],
  ] as const) {
    const both = m === p ? ' (both)' : '';
    console.log(`| ${label} | ${m.throughput.toFixed(0)} | ${m.p50.toFixed(2)} ms | ${m.cpu.toFixed(3)} ms${both} |`);
  }
} finally {
  proxy.close();
  await tracker.stopAll();
  await ownRedis?.kill();
  await deletePrefix(prefix);
}
