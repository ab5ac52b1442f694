// Markdown for the eras section (bench/sections/eras.ts): the table, the modern vs legacy ratios, and the checks the
// issue asks for (the modern path costs no more than the legacy one; the legacy path no slower than latest.md).
import type { ErasResult, ErasRow } from '../sections/eras.js';
import type { Spread } from './stats.js';

const fixed = (value: number, digits: number): string => value.toFixed(digits);

function fmt(s: Spread, digits = 2, unit = ''): string {
  const m = `${fixed(s.median, digits)}${unit}`;
  if (fixed(s.min, digits) === fixed(s.max, digits)) return m;
  return `${m} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;
}

/**
 * Noise band for "costs no more": two windows of the same path in one run differ by a few percent on this shared
 * machine, so a modern/legacy ratio within 5% of 1 counts as the same cost.
 */
export const SAME_COST_TOLERANCE = 0.05;

function table(rows: ErasRow[]): string {
  const header = [
    'backend',
    'client',
    'path',
    'clients',
    'p50 ms',
    'p99 ms',
    'calls/s',
    'CPU ms per call',
    'modern/legacy p50',
    'modern/legacy calls/s',
    'modern/legacy CPU',
  ];
  const line = (cells: string[]): string => `| ${cells.join(' | ')} |`;
  const body = rows.map((row) =>
    line([
      `${row.backend} (${row.backend === 'legacy' ? 'SDK 1.x, 2025-11-25' : 'SDK 2.x, 2026-07-28 only'})`,
      row.client,
      row.viaGateway ? 'gateway /mcp/{backend}' : 'direct (baseline)',
      String(row.clients),
      fmt(row.p50Ms),
      fmt(row.p99Ms),
      fmt(row.throughput, 0),
      fmt(row.cpuMsPerCall, 3),
      ...(row.modernVsLegacy && row.client === 'modern'
        ? [fmt(row.modernVsLegacy.p50), fmt(row.modernVsLegacy.throughput), fmt(row.modernVsLegacy.cpu)]
        : ['', '', '']),
    ]),
  );
  return [line(header), line(header.map(() => '---')), ...body].join('\n');
}

/** The checks of issue 15's Speed paragraph. */
export function erasChecks(result: ErasResult): string[] {
  const mark = (ok: boolean): string => (ok ? 'met' : '**NOT met**');
  const checks: string[] = [];
  for (const row of result.rows.filter((r) => r.viaGateway && r.client === 'modern' && r.modernVsLegacy)) {
    const { p50, throughput, cpu } = row.modernVsLegacy!;
    const same =
      p50.median <= 1 + SAME_COST_TOLERANCE &&
      throughput.median >= 1 - SAME_COST_TOLERANCE &&
      cpu.median <= 1 + SAME_COST_TOLERANCE;
    checks.push(
      `${row.backend} backend, ${row.clients} client(s): modern client through the gateway p50 ${fixed(p50.median, 2)}x, ` +
        `calls/s ${fixed(throughput.median, 2)}x, gateway CPU per call ${fixed(cpu.median, 2)}x the legacy client's; ` +
        `costs no more (p50, calls/s and CPU within ${SAME_COST_TOLERANCE * 100}%): ${mark(same)}`,
    );
  }
  const previous = result.previous;
  if (previous) {
    for (const row of result.rows.filter((r) => r.id === 'legacy-gw-legacy')) {
      const before = previous.byClients[row.clients];
      if (!before) continue;
      const p50 = row.p50Ms.median / before.p50Ms;
      const calls = row.throughput.median / before.throughput;
      const cpu = row.cpuMsPerCall.median / before.cpuMsPerCall;
      checks.push(
        `legacy path (legacy client, gateway /mcp/{backend}, HTTP echo), ${row.clients} client(s): p50 ` +
          `${fixed(row.p50Ms.median, 2)} ms vs ${fixed(before.p50Ms, 2)} ms, ${fixed(row.throughput.median, 0)} vs ` +
          `${fixed(before.throughput, 0)} calls/s, CPU ${fixed(row.cpuMsPerCall.median, 3)} vs ` +
          `${fixed(before.cpuMsPerCall, 3)} ms/call in ${previous.file} (${previous.date}): ratios ${fixed(p50, 2)}x / ` +
          `${fixed(calls, 2)}x / ${fixed(cpu, 2)}x; not slower (within ${SAME_COST_TOLERANCE * 100}% on CPU per call, ` +
          `the figure least moved by machine load): ${mark(cpu <= 1 + SAME_COST_TOLERANCE)}`,
      );
    }
  }
  return checks;
}

export function erasMarkdown(result: ErasResult): string {
  return [
    '## 5. Eras: a modern (2026-07-28) client beside a legacy (2025-11-25) one',
    '',
    'tools/call of the echo tool through the gateway on a legacy backend (bench/fixtures/echo-server.mjs, SDK 1.x, ' +
      'Streamable HTTP) and on a modern-only backend (bench/fixtures/modern-echo-server.ts, SDK 2.x, refuses ' +
      '`initialize`), by a legacy client (initialize, then calls on its session) and by a modern client (no session; ' +
      'each request carries `_meta` and the Mcp-Method/Mcp-Name headers), at ' +
      `${result.options.clientCounts.join(' and ')} clients, windows of ${result.options.windowMs} ms, ` +
      `${result.options.runs} runs. A direct call of each backend by its own client era is the baseline (a ` +
      'modern-only client cannot call a legacy server, nor a legacy client a modern-only one: the gateway is what ' +
      'bridges them). The modern/legacy columns are per-run ratios of the two client eras on the same backend and ' +
      'client count. CPU ms per call is the gateway process for the gateway rows, the echo server for the direct rows.',
    '',
    table(result.rows),
    '',
    ...erasChecks(result).map((check) => `- ${check}`),
    '',
  ].join('\n');
}
