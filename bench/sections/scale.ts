// Section 4, scale: start-to-ready with 1/10/70 stdio catalog backends, and the gateway's own RSS once they are all
// connected and after a fixed number of gateway_invoke calls spread over every backend.
import { catalogSafeNames, loadCatalog } from '../../test/helpers/catalog.js';
import type { LoadPool } from '../lib/load-pool.js';
import type { CallSpec } from '../lib/load-protocol.js';
import { descendantsOf, rssMiB, type ProcessTracker } from '../lib/process-tracker.js';
import { RawMcpSession } from '../lib/raw-mcp.js';
import { sampleArguments } from '../lib/sample-arguments.js';
import { catalogStdioFixture, startGateway, waitAllBackends } from '../lib/servers.js';
import { spread, type Spread } from '../lib/stats.js';

export interface ScaleOptions {
  runs: number;
  backendCounts: number[];
  /** gateway_invoke calls after connect, before the second RSS reading. */
  calls: number;
  sessions: number;
  log: (line: string) => void;
}

export interface ScaleRow {
  backends: number;
  tools: number;
  /** Spawn of the gateway process until /health/ready answers 200 (at least one backend ready). */
  readyMs: Spread;
  /** Spawn until every backend is ready with its tool list cached and indexed. */
  allReadyMs: Spread;
  /** VmRSS of the gateway process alone (not its backends). */
  rssConnectedMiB: Spread;
  rssAfterCallsMiB: Spread;
  /** Sum of VmRSS of the backend processes, for scale. */
  backendsRssMiB: Spread;
  /** Throughput of the gateway_invoke calls (a by-product; the overhead section is the throughput figure). */
  callsPerSecond: Spread;
}

export interface ScaleResult {
  options: Omit<ScaleOptions, 'log'>;
  backendCommand: string;
  rows: ScaleRow[];
}

/** For each catalog server, one tool and arguments the gateway accepts (found by trying tools in order). */
async function callableTools(url: string, indices: number[], known: Map<number, CallSpec>): Promise<void> {
  const catalog = loadCatalog();
  const names = catalogSafeNames();
  const session = await RawMcpSession.open(url);
  try {
    for (const index of indices) {
      if (known.has(index)) continue;
      const problems: string[] = [];
      for (const tool of catalog[index].tools) {
        const args = { server: names[index], tool: tool.name, arguments: sampleArguments(tool.inputSchema) };
        try {
          const answer = await session.callTool('gateway_invoke', args);
          const text = (answer.message.result as { content: Array<{ text: string }> }).content[0].text;
          known.set(index, { name: 'gateway_invoke', arguments: args, expectText: text });
          break;
        } catch (error) {
          problems.push(`${tool.name}: ${(error as Error).message.slice(0, 120)}`);
        }
      }
      if (!known.has(index)) {
        throw new Error(`scale: no tool of ${names[index]} accepted sample arguments:\n${problems.join('\n')}`);
      }
    }
  } finally {
    await session.close();
  }
}

export async function runScale(tracker: ProcessTracker, pool: LoadPool, options: ScaleOptions): Promise<ScaleResult> {
  const { log } = options;
  const catalog = loadCatalog();
  const names = catalogSafeNames();
  const specs = new Map<number, CallSpec>();
  type Sample = Record<Exclude<keyof ScaleRow, 'backends' | 'tools'>, number>;
  const samples = new Map<number, Sample[]>(options.backendCounts.map((n) => [n, []]));

  for (let run = 0; run < options.runs; run++) {
    for (const n of options.backendCounts) {
      const indices = Array.from({ length: n }, (_, i) => i);
      const gateway = await startGateway(tracker, {
        label: `gateway-scale-${n}`,
        metaMode: true,
        backends: Object.fromEntries(
          indices.map((i) => [
            names[i],
            { command: process.execPath, args: [catalogStdioFixture, String(i)], description: catalog[i].description },
          ]),
        ),
      });
      try {
        const allReadyMs = await waitAllBackends(gateway, n);
        const rssConnectedMiB = rssMiB(gateway.proc.pid);
        const backendsRssMiB = descendantsOf(gateway.proc.pid).reduce((sum, pid) => sum + (rssMiB(pid) || 0), 0);
        await callableTools(`${gateway.url}/mcp`, indices, specs);
        const window = await pool.window(
          { kind: 'http', url: `${gateway.url}/mcp`, calls: indices.map((i) => specs.get(i)!) },
          { sessions: options.sessions, calls: options.calls, warmup: 0 },
        );
        const rssAfterCallsMiB = rssMiB(gateway.proc.pid);
        samples.get(n)!.push({
          readyMs: gateway.readyMs,
          allReadyMs,
          rssConnectedMiB,
          rssAfterCallsMiB,
          backendsRssMiB,
          callsPerSecond: window.throughput,
        });
        log(
          `scale run ${run + 1}/${options.runs} n=${String(n).padStart(2)} ready ${gateway.readyMs.toFixed(0)}ms ` +
            `all ${allReadyMs.toFixed(0)}ms rss ${rssConnectedMiB.toFixed(1)} -> ${rssAfterCallsMiB.toFixed(1)} MiB ` +
            `(${window.calls} calls, ${window.throughput.toFixed(0)}/s)`,
        );
      } finally {
        await tracker.stop(gateway.proc, 15_000);
        gateway.cleanup();
      }
    }
  }

  const rows = options.backendCounts.map((n): ScaleRow => {
    const list = samples.get(n)!;
    const of = (key: keyof Sample) => spread(list.map((sample) => sample[key]));
    return {
      backends: n,
      tools: catalog.slice(0, n).reduce((sum, server) => sum + server.tools.length, 0),
      readyMs: of('readyMs'),
      allReadyMs: of('allReadyMs'),
      rssConnectedMiB: of('rssConnectedMiB'),
      rssAfterCallsMiB: of('rssAfterCallsMiB'),
      backendsRssMiB: of('backendsRssMiB'),
      callsPerSecond: of('callsPerSecond'),
    };
  });
  const { log: _log, ...recorded } = options;
  return {
    options: recorded,
    backendCommand: 'node bench/fixtures/catalog-stdio.mjs <index> (plain JS, one process per catalog server)',
    rows,
  };
}
