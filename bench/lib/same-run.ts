// Same-run comparisons (bench:compare, bench:auth): timed windows alternating between targets, so each sees the same
// machine, then the medians of each.
import { parseArgs } from 'node:util';
import type { LoadPool } from './load-pool.js';
import type { CallSpec } from './load-protocol.js';
import { median, percentile } from './stats.js';

export interface SameRunTarget {
  label: string;
  url: string;
  pid: number;
  /** Processes whose CPU counts (default: pid alone), e.g. every replica behind a proxy. */
  cpuPids?: number[];
  headers?: Record<string, string>;
}

export interface SameRunOptions {
  runs: number;
  sessions: number;
  windowMs: number;
  calls: CallSpec[];
}

/** The flags every same-run bench takes: `--sessions 8 --runs 6 --window-ms 2000` by default. */
export function sameRunFlags(): { sessions: number; runs: number; windowMs: number } {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: '8' },
      runs: { type: 'string', default: '6' },
      'window-ms': { type: 'string', default: '2000' },
    },
  });
  return { sessions: Number(values.sessions), runs: Number(values.runs), windowMs: Number(values['window-ms']) };
}

/** Median calls/s, p50 (ms) and CPU per call (ms) of one target. */
export interface SameRunMedians {
  throughput: number;
  p50: number;
  cpu: number;
}

/** Prints each window, then the median calls/s, p50 and CPU per call of each target; returns them by label. */
export async function alternateWindows(
  pool: LoadPool,
  targets: SameRunTarget[],
  options: SameRunOptions,
): Promise<Map<string, SameRunMedians>> {
  const { runs, sessions, windowMs, calls } = options;
  const width = Math.max(...targets.map((target) => target.label.length));
  const seen = new Map<string, { throughput: number[]; p50: number[]; cpu: number[] }>();
  for (let run = 0; run < runs; run++) {
    for (const target of run % 2 ? [...targets].reverse() : targets) {
      const r = await pool.window(
        { kind: 'http', url: target.url, calls, headers: target.headers },
        { sessions, durationMs: windowMs, warmup: 500, cpuPids: target.cpuPids ?? [target.pid] },
      );
      const row = seen.get(target.label) ?? { throughput: [], p50: [], cpu: [] };
      seen.set(target.label, row);
      row.throughput.push(r.throughput);
      row.p50.push(percentile(r.latencies, 0.5));
      row.cpu.push(r.cpuMs! / r.calls);
      console.log(
        `run ${run + 1} ${target.label.padEnd(width)} ${sessions} sessions: ${r.throughput.toFixed(0)}/s ` +
          `p50 ${percentile(r.latencies, 0.5).toFixed(2)} ms, CPU ${(r.cpuMs! / r.calls).toFixed(3)} ms/call`,
      );
    }
  }
  const medians = new Map<string, SameRunMedians>();
  for (const [label, row] of seen) {
    const m = { throughput: median(row.throughput), p50: median(row.p50), cpu: median(row.cpu) };
    medians.set(label, m);
    console.log(
      `median ${label.padEnd(width)} ${m.throughput.toFixed(0)}/s p50 ${m.p50.toFixed(2)} ms ` +
        `CPU ${m.cpu.toFixed(3)} ms/call`,
    );
  }
  return medians;
}
