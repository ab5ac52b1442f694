// A long soak of the built gateway: `--sessions` MCP sessions (32) calling tools/call echo in closed loops through
// /mcp/echo and gateway_invoke for `--minutes` (10), while the gateway's RSS and V8 heap (from its /metrics) are
// sampled. Reports both after warm-up and at the end, and the growth between; any failed call fails the run.
// Not part of `npm test` (nor of `npm run bench`).
//
//   npm run build && npm run bench:soak [-- --minutes 3] [--sessions 32] [--warmup-s 60] [--sample-s 10]
import { parseArgs } from 'node:util';
import { LoadPool } from './lib/load-pool.js';
import type { CallSpec } from './lib/load-protocol.js';
import { rssMiB, ProcessTracker } from './lib/process-tracker.js';
import { echoFixture, startGateway } from './lib/servers.js';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    sessions: { type: 'string', default: '32' },
    'warmup-s': { type: 'string' },
    'sample-s': { type: 'string', default: '5' },
  },
});
const durationMs = Number(values.minutes) * 60_000;
const sessions = Number(values.sessions);
// Warm-up: the first minute, or a fifth of a shorter run.
const warmupMs = values['warmup-s'] ? Number(values['warmup-s']) * 1000 : Math.min(60_000, durationMs / 5);
const sampleMs = Number(values['sample-s']) * 1000;

const MESSAGE = 'soak';
const echo: CallSpec = { name: 'echo', arguments: { message: MESSAGE }, expectText: MESSAGE };
const invoke: CallSpec = {
  name: 'gateway_invoke',
  arguments: { server: 'echo', tool: 'echo', arguments: { message: MESSAGE } },
  expectText: MESSAGE,
};

interface Sample {
  atS: number;
  rssMiB: number;
  heapMiB: number;
}

/** The gateway's V8 heap in use, from the default Node metrics on its /metrics. */
async function heapMiB(baseUrl: string): Promise<number> {
  const text = await (await fetch(`${baseUrl}/metrics`)).text();
  const match = /^nodejs_heap_size_used_bytes(?:\{[^}]*\})? (\S+)$/m.exec(text);
  return match ? Number(match[1]) / 1024 ** 2 : Number.NaN;
}

/** The lowest RSS and the lowest heap among `stretch` (each its own minimum). */
function lowest(stretch: Sample[]): Sample {
  return {
    atS: stretch[0]?.atS ?? 0,
    rssMiB: Math.min(...stretch.map((s) => s.rssMiB)),
    heapMiB: Math.min(...stretch.map((s) => s.heapMiB)),
  };
}

const tracker = new ProcessTracker();
process.once('SIGINT', () => void tracker.stopAll().finally(() => process.exit(130)));
try {
  const gateway = await startGateway(tracker, {
    label: 'gateway',
    metaMode: true,
    backends: { echo: { command: process.execPath, args: [echoFixture, 'stdio'] } },
  });
  // One pool per target: a pool runs one window at a time.
  const pools = [LoadPool.start(tracker, 1, 'raw'), LoadPool.start(tracker, 1, 'raw')];
  const samples: Sample[] = [];
  const started = performance.now();
  const sample = async (): Promise<void> => {
    const atS = (performance.now() - started) / 1000;
    samples.push({ atS, rssMiB: rssMiB(gateway.proc.pid), heapMiB: await heapMiB(gateway.url) });
    const last = samples.at(-1)!;
    console.log(
      `${atS.toFixed(0).padStart(5)} s  RSS ${last.rssMiB.toFixed(1)} MiB  heap ${last.heapMiB.toFixed(1)} MiB`,
    );
  };
  const sampler = setInterval(() => void sample(), sampleMs);
  // Half the sessions on /mcp/echo, half through gateway_invoke on /mcp, at the same time.
  const half = Math.max(1, Math.floor(sessions / 2));
  const windows = await Promise.all([
    pools[0].window(
      { kind: 'http', url: `${gateway.url}/mcp/echo`, calls: [echo] },
      { sessions: half, durationMs, warmup: 0 },
    ),
    pools[1].window(
      { kind: 'http', url: `${gateway.url}/mcp`, calls: [invoke] },
      { sessions: sessions - half, durationMs, warmup: 0 },
    ),
  ]).finally(() => clearInterval(sampler));
  // The sessions close when their window ends (and their replay events with them): samples before that count.
  // Heap in use swings with every GC cycle: the lowest sample of a stretch approximates what is live.
  const timed = samples.filter((s) => s.atS * 1000 >= warmupMs && s.atS * 1000 <= durationMs);
  const stretch = Math.max(1, Math.floor(timed.length / 4));
  const afterWarmup = lowest(timed.slice(0, stretch));
  const end = lowest(timed.slice(-stretch));
  const calls = windows.reduce((sum, w) => sum + w.calls, 0);
  const growth = (a: number, b: number) => `${(((b - a) / a) * 100).toFixed(1)}%`;
  console.log(
    [
      '',
      `soak: ${sessions} sessions, ${values.minutes} min, ${calls} calls (${(calls / (durationMs / 1000)).toFixed(0)}/s), 0 errors`,
      `after warm-up (first quarter of the samples): RSS ${afterWarmup.rssMiB.toFixed(1)} MiB, heap ${afterWarmup.heapMiB.toFixed(1)} MiB`,
      `at the end (last quarter): RSS ${end.rssMiB.toFixed(1)} MiB, heap ${end.heapMiB.toFixed(1)} MiB`,
      `growth: RSS ${growth(afterWarmup.rssMiB, end.rssMiB)}, heap ${growth(afterWarmup.heapMiB, end.heapMiB)}`,
    ].join('\n'),
  );
  await Promise.all(pools.map((pool) => pool.stop()));
  gateway.cleanup();
} finally {
  await tracker.stopAll();
}
