/**
 * mcp-gateway benchmarks (issue 6): overhead against direct calls and peer bridges, context tokens, search quality
 * through MCP, and scale; eras (issue 15): a modern (2026-07-28) client's tools/call beside a legacy one's, on a legacy
 * and a modern-only backend. Writes bench/results/<out>.md and .json; fails (exit 1, nothing written) if any run errors.
 *
 *   node --import tsx bench/run.ts [--quick] [--only overhead,tokens,search,scale,eras] [--runs N] [--window-ms N]
 *                                  [--scale-calls N] [--workers N] [--loadgen raw|sdk] [--profile] [--build]
 *                                  [--out NAME]
 *
 * --workers    load-generator processes (default: half the CPUs, at least 1)
 * --loadgen    how HTTP sessions call: raw (default; SDK-initialized sessions, then plain node:http POSTs, every answer
 *              parsed and checked) or sdk (the MCP SDK Client's callTool, ~0.5 ms more client CPU per call)
 * --quick      shorter windows, 2 runs, 1,000 scale calls; writes quick.* unless --out is given
 * --only       a subset of sections (also writes quick.* unless --out is given, so latest.* stays a full run)
 * --profile    runs the overhead gateway under `node --cpu-prof` and adds its top self-time functions
 * --build      rebuilds the gateway (`npx nest build gateway`) first; otherwise dist/ is used as built
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { builtEntry, ensureGatewayBuilt } from '../test/helpers/built-gateway.js';
import { fromRoot } from '../test/helpers/processes.js';
import { newestProfile, summarizeProfile, type ProfileSummary } from './lib/cpu-profile.js';
import { LoadPool } from './lib/load-pool.js';
import { LOAD_GENS, type LoadGen } from './lib/load-protocol.js';
import { loadAverage, machineInfo } from './lib/machine.js';
import { ProcessTracker } from './lib/process-tracker.js';
import { renderMarkdown, type BenchResults } from './lib/report.js';
import { runCatalog } from './sections/catalog.js';
import { runEras } from './sections/eras.js';
import { runOverhead } from './sections/overhead.js';
import { runScale } from './sections/scale.js';

const SECTIONS = ['overhead', 'tokens', 'search', 'scale', 'eras'] as const;
type Section = (typeof SECTIONS)[number];

function parseOptions() {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      runs: { type: 'string' },
      'window-ms': { type: 'string' },
      'scale-calls': { type: 'string' },
      workers: { type: 'string' },
      loadgen: { type: 'string', default: 'raw' },
      profile: { type: 'boolean', default: false },
      build: { type: 'boolean', default: false },
      out: { type: 'string' },
    },
    strict: true,
  });
  const only = values.only?.split(',').map((s) => s.trim()) ?? [...SECTIONS];
  const unknown = only.filter((s) => !SECTIONS.includes(s as Section));
  if (unknown.length) throw new Error(`--only: unknown section ${unknown.join(', ')}; use ${SECTIONS.join(',')}`);
  const int = (value: string | undefined, fallback: number, name: string) => {
    if (value === undefined) return fallback;
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new Error(`--${name}: a positive integer, got ${value}`);
    return n;
  };
  const loadgen = values.loadgen as LoadGen;
  if (!LOAD_GENS.includes(loadgen)) throw new Error(`--loadgen: ${LOAD_GENS.join(' or ')}, got ${values.loadgen}`);
  const quick = values.quick;
  const partial = quick || values.only !== undefined;
  return {
    quick,
    sections: new Set(only as Section[]),
    runs: int(values.runs, quick ? 2 : 3, 'runs'),
    windowMs: int(values['window-ms'], quick ? 400 : 2000, 'window-ms'),
    scaleCalls: int(values['scale-calls'], quick ? 1000 : 10_000, 'scale-calls'),
    // Half the CPUs: on a 2-CPU machine two client processes starve the server under test (measured: direct HTTP at
    // 8 sessions served 2-5x fewer calls/s with 2 load workers than with 1).
    workers: int(values.workers, Math.max(1, Math.floor(os.availableParallelism() / 2)), 'workers'),
    loadgen,
    profile: values.profile,
    build: values.build,
    out: values.out ?? (partial ? 'quick' : 'latest'),
  };
}

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(): Promise<void> {
  const options = parseOptions();
  const command = `node --import tsx bench/run.ts ${process.argv.slice(2).join(' ')}`.trim();
  if (options.build) {
    log('building the gateway (npx nest build gateway)');
    const build = spawnSync('npx', ['nest', 'build', 'gateway'], { cwd: fromRoot('.'), stdio: 'inherit' });
    if (build.status !== 0) throw new Error(`nest build gateway failed (exit ${build.status})`);
  }
  await ensureGatewayBuilt();
  log(`gateway: ${builtEntry}`);

  const started = performance.now();
  const machine = machineInfo();
  const tracker = new ProcessTracker();
  const notes: string[] = [];
  if (machine.loadAverageAtStart[0] > machine.nproc) {
    notes.push(
      `Measured on a loaded machine: the 1-minute load average was ${machine.loadAverageAtStart[0]} on ${machine.nproc} ` +
        'CPUs at the start (other work was running). Absolute figures are pessimistic and noisy; ratios within a run are ' +
        'the more reliable comparison.',
    );
  }
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: stopping every process the benchmark started`);
    void tracker.stopAll().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const needsPool = options.sections.has('overhead') || options.sections.has('scale') || options.sections.has('eras');
  const pool = needsPool ? LoadPool.start(tracker, options.workers, options.loadgen) : undefined;
  const results: BenchResults = {
    command,
    quick: options.quick,
    sections: [...options.sections],
    runs: options.runs,
    machine,
    loadAverageAtEnd: [],
    loadAverageBySection: {},
    durationS: 0,
    notes,
  };
  let profile: ProfileSummary | undefined;
  const section = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const before = loadAverage()[0];
    const value = await run();
    results.loadAverageBySection[name] = { start: before, end: loadAverage()[0] };
    return value;
  };
  try {
    if (options.sections.has('overhead')) {
      const profileDir = options.profile ? mkdtempSync(join(os.tmpdir(), 'mcp-gateway-cpuprof-')) : undefined;
      results.overhead = await section('overhead', () =>
        runOverhead(tracker, pool!, {
          runs: options.runs,
          clientCounts: [1, 8, 32],
          windowMs: options.windowMs,
          warmup: options.quick ? 20 : 100,
          steadyWarmupMs: options.quick ? 500 : 4000,
          statelessMinCalls: options.quick ? 3 : 5,
          cpuProfileDir: profileDir,
          log,
        }),
      );
      if (profileDir) {
        const file = newestProfile(profileDir);
        if (!file) throw new Error(`--profile: the gateway wrote no .cpuprofile into ${profileDir}`);
        profile = summarizeProfile(file);
        notes.push(
          `The overhead gateway ran under node --cpu-prof (${file}); its figures include the profiler's cost.`,
        );
      }
    }
    if (options.sections.has('tokens') || options.sections.has('search')) {
      results.catalog = await section('tokens+search', () =>
        runCatalog(tracker, {
          runs: options.runs,
          tokens: options.sections.has('tokens'),
          search: options.sections.has('search'),
          latencyRounds: options.quick ? 1 : 4,
          log,
        }),
      );
    }
    if (options.sections.has('scale')) {
      results.scale = await section('scale', () =>
        runScale(tracker, pool!, {
          runs: options.runs,
          backendCounts: [1, 10, 70],
          calls: options.scaleCalls,
          sessions: 8,
          log,
        }),
      );
    }
    if (options.sections.has('eras')) {
      results.eras = await section('eras', () =>
        runEras(tracker, pool!, {
          runs: options.runs,
          clientCounts: [1, 8],
          windowMs: options.windowMs,
          warmup: options.quick ? 20 : 100,
          steadyWarmupMs: options.quick ? 500 : 4000,
          log,
        }),
      );
    }
  } finally {
    await pool?.stop();
    await tracker.stopAll();
  }

  results.loadAverageAtEnd = loadAverage();
  results.durationS = (performance.now() - started) / 1000;
  const dir = fromRoot('bench/results');
  mkdirSync(dir, { recursive: true });
  let markdown = renderMarkdown(results);
  if (profile) {
    markdown +=
      `\n## CPU profile of the gateway during the overhead run\n\n${profile.file}: ${(profile.totalMs / 1000).toFixed(1)} s ` +
      `profiled, ${(profile.busyShare * 100).toFixed(0)}% busy. Top self time:\n\n| function | location | self ms | share of busy |\n| --- | --- | --- | --- |\n` +
      profile.top
        .map((t) => `| ${t.function} | ${t.location} | ${t.selfMs.toFixed(0)} | ${(t.share * 100).toFixed(1)}% |`)
        .join('\n') +
      `\n\nSelf time by origin:\n\n| origin | self ms | share of busy |\n| --- | --- | --- |\n` +
      profile.byOrigin
        .map((o) => `| ${o.origin} | ${o.selfMs.toFixed(0)} | ${(o.share * 100).toFixed(1)}% |`)
        .join('\n') +
      '\n';
  }
  writeFileSync(join(dir, `${options.out}.json`), `${JSON.stringify({ ...results, profile }, null, 2)}\n`);
  writeFileSync(join(dir, `${options.out}.md`), markdown);
  process.stdout.write(markdown);
  log(`wrote bench/results/${options.out}.md and .json in ${results.durationS.toFixed(0)} s`);
}

main().catch((error: unknown) => {
  log(`FAILED, no results written: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
