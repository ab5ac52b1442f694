// Renders a run's results as Markdown tables (bench/results/*.md), plus the issue's targets checked against them.
import type { CatalogResult } from '../sections/catalog.js';
import type { ErasResult } from '../sections/eras.js';
import type { OverheadResult, OverheadRow } from '../sections/overhead.js';
import type { ScaleResult } from '../sections/scale.js';
import { erasMarkdown } from './eras-report.js';
import type { MachineInfo } from './machine.js';
import type { Spread } from './stats.js';

export interface BenchResults {
  command: string;
  quick: boolean;
  sections: string[];
  runs: number;
  machine: MachineInfo;
  loadAverageAtEnd: number[];
  /** 1-minute load average when each section started and ended. */
  loadAverageBySection: Record<string, { start: number; end: number }>;
  durationS: number;
  overhead?: OverheadResult;
  catalog?: CatalogResult;
  scale?: ScaleResult;
  eras?: ErasResult;
  notes: string[];
}

const fixed = (value: number, digits: number) => value.toFixed(digits);

/** `median (min–max)`; a range that collapses to one value prints once. */
function fmt(s: Spread, digits = 2, unit = ''): string {
  const m = `${fixed(s.median, digits)}${unit}`;
  if (fixed(s.min, digits) === fixed(s.max, digits)) return m;
  return `${m} (${fixed(s.min, digits)}–${fixed(s.max, digits)})`;
}

const pct = (s: Spread) => fmt({ ...s, median: s.median * 100, min: s.min * 100, max: s.max * 100 }, 2, '%');

function table(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

function overheadTables(result: OverheadResult): string {
  const out: string[] = [];
  for (const [group, title, base] of [
    ['http', 'HTTP backend (Streamable HTTP echo server)', 'direct HTTP'],
    ['stdio', 'stdio backend exposed over Streamable HTTP', 'direct stdio pipe'],
  ] as const) {
    const rows = result.rows.filter((row) => row.group === group);
    out.push(`### ${title}\n`);
    out.push(
      table(
        [
          'path',
          'clients',
          'p50 ms',
          'p99 ms',
          'calls/s',
          `p50 vs ${base}`,
          `calls/s vs ${base}`,
          'CPU ms per call',
          'calls per run',
        ],
        rows.map((row: OverheadRow) => [
          row.baseline ? `**${row.label}** (baseline)` : row.label,
          String(row.clients),
          fmt(row.p50Ms),
          fmt(row.p99Ms),
          fmt(row.throughput, 0),
          row.baseline ? '1' : `${fmt(row.p50Ratio)}x`,
          row.baseline ? '1' : `${fmt(row.throughputRatio)}x`,
          fmt(row.cpuMsPerCall, 3),
          `${row.calls.join(' / ')}${row.fixedCount ? ' (fixed count)' : ''}`,
        ]),
      ),
    );
    out.push('');
  }
  out.push(
    'CPU ms per call: user + system CPU time of the process under test alone during the timed window, divided by ' +
      'the calls made (from /proc/<pid>/stat, 10 ms ticks): the echo server for the direct rows, the gateway or the ' +
      'bridge process for the others (never their backend child). It depends far less on the machine load than ' +
      'the latency and throughput columns.\n',
  );
  out.push('How each path was run:\n');
  for (const target of result.targets) out.push(`- ${target.group} / ${target.label}: ${target.how}`);
  return out.join('\n');
}

function catalogTables(result: CatalogResult): string {
  const out: string[] = [];
  const tokens = result.tokens;
  if (tokens) {
    out.push(`## 2. Context tokens (${result.backends} backends, ${result.tools} tools; gpt-tokenizer o200k_base)\n`);
    out.push(
      table(
        [
          '/mcp surface',
          'tools listed',
          'tools/list response tokens',
          'of which the tools array',
          'initialize instructions',
        ],
        [
          ['meta (meta_mcp.enabled: true)', tokens.meta],
          ['aggregated (meta_mcp.enabled: false)', tokens.aggregated],
        ].map(([label, s]) => {
          const surface = s as typeof tokens.meta;
          return [
            label as string,
            String(surface.tools),
            fmt(surface.listTokens, 0),
            fmt(surface.toolsArrayTokens, 0),
            String(surface.instructionsTokens),
          ];
        }),
      ),
    );
    out.push(`\nSavings = 1 - meta / aggregated (tools/list response): **${pct(tokens.savings)}**.\n`);
    out.push('Per search (gateway_search_tools result, over all 95 dataset queries; median (min–max over queries)):\n');
    out.push(
      table(
        ['limit', 'whole tools/call response tokens', 'text content only'],
        tokens.searchCost.map((cost) => [
          String(cost.limit),
          `${cost.responseTokens.median} (${cost.responseTokens.min}–${cost.responseTokens.max})`,
          `${cost.textTokens.median} (${cost.textTokens.min}–${cost.textTokens.max})`,
        ]),
      ),
    );
    out.push(
      '\nThe response carries the matches twice (text content and structuredContent), as the meta-tool returns them.\n',
    );
  }
  const search = result.search;
  if (search) {
    out.push('## 3. Search quality through MCP (gateway_search_tools, limit 10, scored against `gold`)\n');
    out.push(
      table(
        ['split', 'queries', 'Recall@1', 'Recall@5', 'Recall@10', 'nDCG@5', 'nDCG@10'],
        (['dev', 'test'] as const).map((split) => {
          const q = search.quality[split];
          return [
            split,
            String(q.n),
            ...[q.recall1, q.recall5, q.recall10, q.ndcg5, q.ndcg10].map((v) => v.toFixed(1)),
          ];
        }),
      ),
    );
    out.push(
      `\nIdentical in every run: ${search.identicalAcrossRuns ? 'yes' : 'NO'}. Search latency, client round trip over ` +
        `Streamable HTTP, one call at a time (${search.callsPerRun} calls per run): p50 ${fmt(search.latencyP50Ms)} ms, ` +
        `p99 ${fmt(search.latencyP99Ms)} ms. The ranking alone (in process, same catalog, ` +
        `${search.inProcess.searches} warm searches): p50 ${search.inProcess.p50Ms.toFixed(3)} ms, ` +
        `p99 ${search.inProcess.p99Ms.toFixed(3)} ms.\n`,
    );
  }
  return out.join('\n');
}

function scaleTable(result: ScaleResult): string {
  const calls = result.options.calls;
  return [
    `## 4. Scale (stdio catalog backends: ${result.backendCommand})\n`,
    table(
      [
        'backends',
        'tools',
        'start to /health/ready ms',
        'start to all backends ready ms',
        'gateway RSS connected MiB',
        `gateway RSS after ${calls} calls MiB`,
        'backends RSS total MiB',
        'gateway_invoke calls/s',
      ],
      result.rows.map((row) => [
        String(row.backends),
        String(row.tools),
        fmt(row.readyMs, 0),
        fmt(row.allReadyMs, 0),
        fmt(row.rssConnectedMiB, 1),
        fmt(row.rssAfterCallsMiB, 1),
        fmt(row.backendsRssMiB, 0),
        fmt(row.callsPerSecond, 0),
      ]),
    ),
    `\n/health/ready turns 200 once one backend is ready; "all backends ready" waits for every tool list. ` +
      `Calls: gateway_invoke on /mcp from ${result.options.sessions} sessions, round-robin over every backend.\n`,
  ].join('\n');
}

/** The issue's targets and quality bar, checked against the medians. */
export function targetChecks(results: BenchResults): string[] {
  const checks: string[] = [];
  const mark = (ok: boolean) => (ok ? 'met' : '**NOT met**');
  const rows = results.overhead?.rows ?? [];
  const find = (id: string, clients: number) => rows.find((row) => row.id === id && row.clients === clients);
  const gw8 = find('gateway-direct-stdio', 8);
  const peers8 = ['mcp-proxy', 'supergateway-stateful', 'supergateway-stateless'].map((id) => find(id, 8)!);
  if (gw8 && peers8.every(Boolean)) {
    const fastest = peers8.reduce((a, b) => (a.throughput.median > b.throughput.median ? a : b));
    const ratio = gw8.throughput.median / fastest.throughput.median;
    checks.push(
      `stdio, 8 sessions: gateway /mcp/{backend} ${gw8.throughput.median.toFixed(0)} calls/s = ${ratio.toFixed(2)}x ` +
        `the faster peer (${fastest.label}, ${fastest.throughput.median.toFixed(0)}/s); target >= 3x: ${mark(ratio >= 3)}`,
    );
    const floor8 = find('bare-relay-stdio', 8);
    if (floor8) {
      const floor = floor8.throughput.median;
      checks.push(
        `stdio, 8 sessions: the bare node:http relay (the floor, no framework and no SDK) does ${floor.toFixed(0)} ` +
          `calls/s; 3x the faster peer would be ${((3 * fastest.throughput.median * 100) / floor).toFixed(0)}% ` +
          `of it, the gateway does ${((gw8.throughput.median * 100) / floor).toFixed(0)}%`,
      );
    }
    const lowerP50 = peers8.every((peer) => gw8.p50Ms.median < peer.p50Ms.median);
    checks.push(
      `stdio, 8 sessions: gateway p50 ${gw8.p50Ms.median.toFixed(2)} ms lower than every peer: ${mark(lowerP50)}`,
    );
  }
  const losses = rows
    .filter((row) => row.id === 'gateway-direct-stdio')
    .flatMap((row) =>
      rows
        .filter((peer) => peer.group === 'stdio' && peer.clients === row.clients && /proxy|supergateway/.test(peer.id))
        .filter((peer) => peer.throughput.median > row.throughput.median || peer.p50Ms.median < row.p50Ms.median)
        .map((peer) => `${peer.label} at ${row.clients} clients`),
    );
  if (rows.length)
    checks.push(
      `gateway slower than a peer bridge (throughput or p50): ${losses.length ? losses.join('; ') : 'nowhere'}`,
    );
  const cpuRows = rows.filter((row) => row.clients === 8 && row.group === 'stdio' && !row.baseline);
  if (cpuRows.length) {
    checks.push(
      'stdio, 8 sessions, CPU ms per call of the proxy process: ' +
        cpuRows.map((row) => `${row.label} ${row.cpuMsPerCall.median.toFixed(3)}`).join(', '),
    );
  }
  const gw1 = find('gateway-direct-http', 1);
  if (gw1) {
    checks.push(
      `HTTP, 1 client: /mcp/{backend} p50 = ${gw1.p50Ratio.median.toFixed(2)}x direct; quality bar <= 1.5x: ` +
        mark(gw1.p50Ratio.median <= 1.5),
    );
    const floor1 = find('bare-relay-http', 1);
    if (floor1) {
      checks.push(
        `HTTP, 1 client: the bare node:http relay (the floor) p50 = ${floor1.p50Ratio.median.toFixed(2)}x direct`,
      );
    }
  }
  const tokens = results.catalog?.tokens;
  if (tokens) {
    const meta = tokens.meta.listTokens.median;
    checks.push(`meta surface ${meta} tokens; target < 600: ${mark(meta < 600)}`);
    const savings = tokens.savings.median * 100;
    checks.push(
      `savings ${savings.toFixed(2)}%; target >= 99%: ${mark(savings >= 99)} (quality bar 98%: ${mark(savings >= 98)})`,
    );
  }
  const search = results.catalog?.search;
  if (search) {
    const r5 = search.quality.test.recall5;
    checks.push(
      `Recall@5 on test ${r5.toFixed(1)}; target >= 45: ${mark(r5 >= 45)} (quality bar 35: ${mark(r5 >= 35)})`,
    );
    checks.push(
      `search p99 ${search.inProcess.p99Ms.toFixed(2)} ms (the ranking, in process); target < 2 ms: ` +
        `${mark(search.inProcess.p99Ms < 2)}; p99 of the whole MCP round trip (SDK client over HTTP): ` +
        `${search.latencyP99Ms.median.toFixed(2)} ms`,
    );
  }
  return checks;
}

export function renderMarkdown(results: BenchResults): string {
  const m = results.machine;
  const out: string[] = [
    '# mcp-gateway benchmarks',
    '',
    `Command: \`${results.command}\`${results.quick ? ' (quick: shorter windows, not for publication)' : ''}`,
    '',
    `Machine: ${m.nproc} CPUs (${m.cpuModel}), ${m.memoryGiB} GiB, ${m.kernel}, Node ${m.node}. ` +
      `Date: ${m.date}. Load average at start ${m.loadAverageAtStart.join(' / ')}, at end ${results.loadAverageAtEnd.join(' / ')} ` +
      `(1/5/15 min). Gateway: commit ${m.gitCommit}${m.gitDirty ? ' with uncommitted changes in apps/ or libs/' : ''}, ` +
      `built ${m.gatewayBuiltAt}. Versions: ${Object.entries(m.versions)
        .map(([name, version]) => `${name} ${version}`)
        .join(', ')}.`,
    '',
    `Every figure is the median of ${results.runs} runs with (min–max) across runs; ratios are computed per run ` +
      'against the baseline measured in the same run, then the median taken. Everything runs on 127.0.0.1, load ' +
      'generator included (it shares the CPUs with the process under test).',
    '',
  ];
  for (const note of results.notes) out.push(`> ${note}`, '');
  if (results.overhead) {
    out.push(
      '## 1. Overhead: tools/call of an echo tool',
      '',
      `Load generator: ${results.overhead.loadGenerator}.`,
      '',
    );
    out.push(overheadTables(results.overhead), '');
  }
  if (results.catalog) out.push(catalogTables(results.catalog));
  if (results.scale) out.push(scaleTable(results.scale));
  if (results.eras) out.push(erasMarkdown(results.eras));
  const checks = targetChecks(results);
  if (checks.length) out.push('## Targets from the issue', '', ...checks.map((check) => `- ${check}`), '');
  const load = Object.entries(results.loadAverageBySection)
    .map(([name, l]) => `${name} ${l.start} -> ${l.end}`)
    .join(', ');
  out.push(
    `Run time: ${results.durationS.toFixed(0)} s. 1-minute load average per section (start -> end): ${load}.`,
    '',
  );
  return out.join('\n');
}
