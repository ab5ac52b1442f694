// Section 5, eras (issue 15): a modern client's tools/call (protocol 2026-07-28: no session, `_meta` on every request)
// beside a legacy one's (2025-11-25: initialize, a session), through the gateway's /mcp/{backend}, on a legacy backend
// (the SDK 1.x echo server) and on a modern-only backend (the SDK 2.x echo server), at 1 and 8 clients, in the same
// run; each backend's own client era called directly is the baseline. The legacy client on the legacy backend is
// also set beside the same path's figures in the previous full run (bench/results/latest.json).
import { existsSync, readFileSync } from 'node:fs';
import { fromRoot, tsxLoader } from '../../test/helpers/processes.js';
import type { LoadPool, WindowResult } from '../lib/load-pool.js';
import type { CallSpec, ClientEra, LoadTarget } from '../lib/load-protocol.js';
import type { ProcessTracker } from '../lib/process-tracker.js';
import { startEchoHttp, startGateway, startListening, waitAllBackends } from '../lib/servers.js';
import { percentile, spread, type Spread } from '../lib/stats.js';

export const modernEchoFixture = fromRoot('bench/fixtures/modern-echo-server.ts');

export interface ErasOptions {
  runs: number;
  clientCounts: number[];
  windowMs: number;
  warmup: number;
  steadyWarmupMs: number;
  log: (line: string) => void;
}

export type BackendEra = 'legacy' | 'modern';

export interface ErasRow {
  id: string;
  label: string;
  backend: BackendEra;
  client: ClientEra;
  viaGateway: boolean;
  clients: number;
  calls: number[];
  p50Ms: Spread;
  p99Ms: Spread;
  throughput: Spread;
  /** CPU of the process under test per call: the gateway, or the backend for the direct rows. */
  cpuMsPerCall: Spread;
  /** Through the gateway, per run: this client era's figure / the other client era's on the same backend. */
  modernVsLegacy?: { p50: Spread; throughput: Spread; cpu: Spread };
}

export interface PreviousFigures {
  file: string;
  date: string;
  /** `gateway /mcp/{backend}`, HTTP backend, by client count: the legacy client on the legacy backend. */
  byClients: Record<number, { p50Ms: number; throughput: number; cpuMsPerCall: number }>;
}

export interface ErasResult {
  options: Omit<ErasOptions, 'log'>;
  rows: ErasRow[];
  previous?: PreviousFigures;
}

const MESSAGE = 'hello from the benchmark';
const echo: CallSpec = { name: 'echo', arguments: { message: MESSAGE }, expectText: MESSAGE };

interface TargetDef {
  id: string;
  label: string;
  backend: BackendEra;
  client: ClientEra;
  viaGateway: boolean;
  target: LoadTarget;
  cpuPids: number[];
}

/** The previous full run's `gateway /mcp/{backend}` figures on the HTTP echo backend (read before it is rewritten). */
export function previousFigures(): PreviousFigures | undefined {
  const file = fromRoot('bench/results/latest.json');
  if (!existsSync(file)) return undefined;
  const latest = JSON.parse(readFileSync(file, 'utf8')) as {
    machine?: { date?: string };
    overhead?: {
      rows: Array<{ id: string; clients: number; p50Ms: Spread; throughput: Spread; cpuMsPerCall: Spread }>;
    };
  };
  const rows = latest.overhead?.rows.filter((row) => row.id === 'gateway-direct-http') ?? [];
  if (!rows.length) return undefined;
  const byClients = Object.fromEntries(
    rows.map((row) => [
      row.clients,
      { p50Ms: row.p50Ms.median, throughput: row.throughput.median, cpuMsPerCall: row.cpuMsPerCall.median },
    ]),
  );
  return { file: 'bench/results/latest.json', date: latest.machine?.date ?? 'unknown', byClients };
}

export async function runEras(tracker: ProcessTracker, pool: LoadPool, options: ErasOptions): Promise<ErasResult> {
  const { log } = options;
  const previous = previousFigures();
  log('eras: starting the legacy (SDK 1.x) and modern-only (SDK 2.x) echo servers and a gateway in front of both');
  const legacyEcho = await startEchoHttp(tracker);
  const modernEcho = await startListening(tracker, 'echo-modern-http', [
    '--import',
    tsxLoader,
    modernEchoFixture,
    'http',
  ]);
  const gateway = await startGateway(tracker, {
    label: 'gateway-eras',
    metaMode: true,
    backends: {
      echo_legacy: { http_url: legacyEcho.url, transport: 'streamable_http', description: 'legacy echo (2025-11-25)' },
      echo_modern: { http_url: modernEcho.url, transport: 'streamable_http', description: 'modern echo (2026-07-28)' },
    },
  });
  await waitAllBackends(gateway, 2);
  const gw = [gateway.proc.pid];
  const http = (url: string, era: ClientEra): LoadTarget => ({ kind: 'http', url, calls: [echo], era });
  const defs: TargetDef[] = [
    {
      id: 'legacy-direct',
      label: 'legacy client, direct',
      backend: 'legacy',
      client: 'legacy',
      viaGateway: false,
      target: http(legacyEcho.url, 'legacy'),
      cpuPids: [legacyEcho.proc.pid],
    },
    ...(['legacy', 'modern'] as const).map((client) => ({
      id: `${client}-gw-legacy`,
      label: `${client} client, gateway /mcp/{backend}`,
      backend: 'legacy' as const,
      client,
      viaGateway: true,
      target: http(`${gateway.url}/mcp/echo_legacy`, client),
      cpuPids: gw,
    })),
    {
      id: 'modern-direct',
      label: 'modern client, direct',
      backend: 'modern',
      client: 'modern',
      viaGateway: false,
      target: http(modernEcho.url, 'modern'),
      cpuPids: [modernEcho.proc.pid],
    },
    ...(['legacy', 'modern'] as const).map((client) => ({
      id: `${client}-gw-modern`,
      label: `${client} client, gateway /mcp/{backend}`,
      backend: 'modern' as const,
      client,
      viaGateway: true,
      target: http(`${gateway.url}/mcp/echo_modern`, client),
      cpuPids: gw,
    })),
  ];

  for (const def of defs) {
    const warm = await pool.window(def.target, {
      sessions: 8,
      durationMs: options.steadyWarmupMs,
      warmup: 0,
      cpuPids: def.cpuPids,
    });
    log(`eras warm-up ${def.id.padEnd(18)} ${warm.throughput.toFixed(0)}/s over ${options.steadyWarmupMs} ms`);
  }
  const results = new Map<string, Map<number, WindowResult[]>>(defs.map((def) => [def.id, new Map()]));
  for (let run = 0; run < options.runs; run++) {
    for (const clients of options.clientCounts) {
      // Rotated each run so no target always goes first on a machine whose load drifts.
      for (const def of defs.map((_, i) => defs[(i + run) % defs.length])) {
        const result = await pool.window(def.target, {
          sessions: clients,
          durationMs: options.windowMs,
          warmup: Math.max(options.warmup, clients * 5),
          cpuPids: def.cpuPids,
        });
        const perClients = results.get(def.id)!;
        perClients.set(clients, [...(perClients.get(clients) ?? []), result]);
        log(
          `eras run ${run + 1}/${options.runs} c=${clients} ${def.id.padEnd(18)} p50 ` +
            `${percentile(result.latencies, 0.5).toFixed(2)}ms ${result.throughput.toFixed(0)}/s ` +
            `cpu ${(result.cpuMs! / result.calls).toFixed(3)}ms/call`,
        );
      }
    }
  }

  const rows: ErasRow[] = [];
  for (const def of defs) {
    for (const clients of options.clientCounts) {
      const mine = results.get(def.id)!.get(clients)!;
      const p50 = mine.map((r) => percentile(r.latencies, 0.5));
      const cpu = mine.map((r) => r.cpuMs! / r.calls);
      const row: ErasRow = {
        id: def.id,
        label: def.label,
        backend: def.backend,
        client: def.client,
        viaGateway: def.viaGateway,
        clients,
        calls: mine.map((r) => r.calls),
        p50Ms: spread(p50),
        p99Ms: spread(mine.map((r) => percentile(r.latencies, 0.99))),
        throughput: spread(mine.map((r) => r.throughput)),
        cpuMsPerCall: spread(cpu),
      };
      if (def.viaGateway) {
        // modern / legacy, per run, on the same backend and client count.
        const modern = results.get(`modern-gw-${def.backend}`)!.get(clients)!;
        const legacy = results.get(`legacy-gw-${def.backend}`)!.get(clients)!;
        row.modernVsLegacy = {
          p50: spread(modern.map((r, i) => percentile(r.latencies, 0.5) / percentile(legacy[i].latencies, 0.5))),
          throughput: spread(modern.map((r, i) => r.throughput / legacy[i].throughput)),
          cpu: spread(modern.map((r, i) => r.cpuMs! / r.calls / (legacy[i].cpuMs! / legacy[i].calls))),
        };
      }
      rows.push(row);
    }
  }
  await tracker.stop(gateway.proc, 15_000);
  gateway.cleanup();
  for (const server of [legacyEcho, modernEcho]) await tracker.stop(server.proc);
  const { log: _log, ...recorded } = options;
  return { options: recorded, rows, previous };
}
