// Section 1, overhead: tools/call of a trivial echo tool at 1/8/32 concurrent MCP sessions, direct vs through the
// gateway vs through the peer bridges (mcp-proxy, supergateway), each against a direct baseline of the same run.
import type { LoadPool, WindowResult } from '../lib/load-pool.js';
import type { CallSpec, LoadTarget } from '../lib/load-protocol.js';
import { descendantsOf, type ProcessTracker } from '../lib/process-tracker.js';
import {
  echoFixture,
  startEchoHttp,
  startGateway,
  startBareRelay,
  startMcpProxy,
  startSupergateway,
  waitAllBackends,
  type Running,
} from '../lib/servers.js';
import { percentile, spread, type Spread } from '../lib/stats.js';

export interface OverheadOptions {
  runs: number;
  clientCounts: number[];
  /** Length of each timed window (one target, one client count, one run), ms. */
  windowMs: number;
  /** Untimed calls per window before timing starts. */
  warmup: number;
  /**
   * Before any timed window, each target serves this long untimed (8 sessions), so every figure is of a warmed-up
   * process: JIT-compiled hot paths, grown pools and caches. Short windows on cold processes measured start-up.
   */
  steadyWarmupMs: number;
  /** supergateway without --stateful spawns a process per request: its windows are max(this, clients) calls. */
  statelessMinCalls: number;
  /** Run the gateway under `node --cpu-prof`, writing into this directory. */
  cpuProfileDir?: string;
  log: (line: string) => void;
}

export type Group = 'http' | 'stdio';

interface TargetDef {
  id: string;
  label: string;
  group: Group;
  baseline?: boolean;
  target: LoadTarget;
  oneWorker?: boolean;
  /** A fixed-count window instead of a fixed duration. */
  fixedCalls?: (clients: number) => number;
  /** The process under test whose CPU time per call is reported (the proxy alone, not its backend). */
  cpuPids: number[] | 'opened';
}

export interface OverheadRow {
  id: string;
  label: string;
  group: Group;
  baseline: boolean;
  clients: number;
  /** Timed calls per run (windows are fixed-duration except where noted). */
  calls: number[];
  fixedCount: boolean;
  p50Ms: Spread;
  p99Ms: Spread;
  throughput: Spread;
  /** Per run: this target's figure / the group's baseline figure in the same run and client count. */
  p50Ratio: Spread;
  throughputRatio: Spread;
  /** CPU time of the process under test per timed call (see HOW for which process). */
  cpuMsPerCall: Spread;
  /** CPU time of the load generator's worker processes per timed call (what the client side costs). */
  loadCpuMsPerCall: Spread;
}

export interface OverheadResult {
  options: Omit<OverheadOptions, 'log'>;
  loadGenerator: string;
  targets: Array<{ id: string; label: string; group: Group; how: string }>;
  rows: OverheadRow[];
  gatewayPid: number;
}

const MESSAGE = 'hello from the benchmark';
const echo: CallSpec = { name: 'echo', arguments: { message: MESSAGE }, expectText: MESSAGE };
const invoke = (server: string): CallSpec => ({
  name: 'gateway_invoke',
  arguments: { server, tool: 'echo', arguments: { message: MESSAGE } },
  expectText: MESSAGE,
});

const HOW: Record<string, string> = {
  'direct-http': 'SDK Streamable HTTP server (bench/fixtures/echo-server.mjs http), no proxy',
  'gateway-direct-http': 'gateway /mcp/echo_http -> that same HTTP server',
  'gateway-invoke-http': 'gateway /mcp, tools/call gateway_invoke {server: echo_http, tool: echo}',
  'direct-stdio': 'SDK StdioClientTransport: one client process, one pipe, N requests in flight',
  'gateway-direct-stdio': 'gateway /mcp/echo_stdio -> one stdio child',
  'gateway-invoke-stdio': 'gateway /mcp, gateway_invoke {server: echo_stdio, tool: echo}',
  'bare-relay-http':
    'bench/fixtures/bare-relay.mjs http: node:http server forwarding each request on keep-alive node:http sockets to ' +
    'that same HTTP server and piping the answer back; no framework, no SDK, no checks. The floor, not a peer',
  'bare-relay-stdio':
    'bench/fixtures/bare-relay.mjs stdio: node:http server writing each JSON-RPC message to one shared stdio child ' +
    '(ids remapped) and each answer back as a JSON body; no framework, no SDK, no sessions, no checks. The floor, ' +
    'not a peer',
  'mcp-proxy': 'mcp-proxy --host 127.0.0.1 --port N -- node echo-server.mjs stdio (one shared stdio child), /mcp',
  'supergateway-stateful':
    'supergateway --stdio ... --outputTransport streamableHttp --stateful (one stdio child per session), /mcp',
  'supergateway-stateless':
    'supergateway --stdio ... --outputTransport streamableHttp (default, stateless: a new stdio child per request; ' +
    'its CPU column leaves out those children)',
};

export async function runOverhead(
  tracker: ProcessTracker,
  pool: LoadPool,
  options: OverheadOptions,
): Promise<OverheadResult> {
  const { log } = options;
  log('overhead: starting echo HTTP server, gateway, bare relays, mcp-proxy, supergateway');
  const echoHttp = await startEchoHttp(tracker);
  const gateway = await startGateway(tracker, {
    label: 'gateway-overhead',
    metaMode: true,
    backends: {
      echo_http: { http_url: echoHttp.url, transport: 'streamable_http', description: 'benchmark echo over HTTP' },
      echo_stdio: { command: process.execPath, args: [echoFixture, 'stdio'], description: 'benchmark echo over stdio' },
    },
    nodeArgs: options.cpuProfileDir ? ['--cpu-prof', '--cpu-prof-dir', options.cpuProfileDir] : [],
  });
  await waitAllBackends(gateway, 2);
  const peers: Running[] = await Promise.all([
    startMcpProxy(tracker),
    startSupergateway(tracker, true),
    startSupergateway(tracker, false),
  ]);
  const [mcpProxy, superStateful, superStateless] = peers;
  const relays = await Promise.all([startBareRelay(tracker, echoHttp.url), startBareRelay(tracker)]);
  const [relayHttp, relayStdio] = relays;

  const gw = [gateway.proc.pid];
  const defs: TargetDef[] = [
    {
      id: 'direct-http',
      label: 'direct (HTTP)',
      group: 'http',
      baseline: true,
      target: http(echoHttp.url, echo),
      cpuPids: [echoHttp.proc.pid],
    },
    {
      id: 'gateway-direct-http',
      label: 'gateway /mcp/{backend}',
      group: 'http',
      target: http(`${gateway.url}/mcp/echo_http`, echo),
      cpuPids: gw,
    },
    {
      id: 'gateway-invoke-http',
      label: 'gateway_invoke on /mcp',
      group: 'http',
      target: http(`${gateway.url}/mcp`, invoke('echo_http')),
      cpuPids: gw,
    },
    {
      id: 'bare-relay-http',
      label: 'bare node:http relay (floor)',
      group: 'http',
      target: http(relayHttp.url, echo),
      cpuPids: [relayHttp.proc.pid],
    },
    {
      id: 'direct-stdio',
      label: 'direct (stdio pipe)',
      group: 'stdio',
      baseline: true,
      oneWorker: true,
      target: { kind: 'stdio', command: process.execPath, args: [echoFixture, 'stdio'], calls: [echo] },
      cpuPids: 'opened',
    },
    {
      id: 'gateway-direct-stdio',
      label: 'gateway /mcp/{backend}',
      group: 'stdio',
      target: http(`${gateway.url}/mcp/echo_stdio`, echo),
      cpuPids: gw,
    },
    {
      id: 'gateway-invoke-stdio',
      label: 'gateway_invoke on /mcp',
      group: 'stdio',
      target: http(`${gateway.url}/mcp`, invoke('echo_stdio')),
      cpuPids: gw,
    },
    {
      id: 'bare-relay-stdio',
      label: 'bare node:http relay (floor)',
      group: 'stdio',
      target: http(relayStdio.url, echo),
      cpuPids: [relayStdio.proc.pid],
    },
    {
      id: 'mcp-proxy',
      label: 'mcp-proxy',
      group: 'stdio',
      target: http(mcpProxy.url, echo),
      cpuPids: [mcpProxy.proc.pid],
    },
    {
      id: 'supergateway-stateful',
      label: 'supergateway --stateful',
      group: 'stdio',
      target: http(superStateful.url, echo),
      cpuPids: [superStateful.proc.pid],
    },
    {
      id: 'supergateway-stateless',
      label: 'supergateway (default: stateless)',
      group: 'stdio',
      target: http(superStateless.url, echo),
      cpuPids: [superStateless.proc.pid],
      fixedCalls: (clients) => Math.max(options.statelessMinCalls, clients),
    },
  ];

  for (const def of defs.filter((d) => !d.fixedCalls)) {
    const warm = await pool.window(def.target, {
      sessions: 8,
      durationMs: options.steadyWarmupMs,
      warmup: 0,
      oneWorker: def.oneWorker,
      cpuPids: def.cpuPids,
    });
    options.log(
      `overhead warm-up ${def.id.padEnd(24)} ${warm.throughput.toFixed(0)}/s over ${options.steadyWarmupMs} ms`,
    );
  }

  // results[target][clients] = one WindowResult per run
  const results = new Map<string, Map<number, WindowResult[]>>(defs.map((d) => [d.id, new Map()]));
  // Rotate the order each run so no target always goes first (or last) on a machine whose load drifts. The
  // stateless supergateway (a process per request) runs in passes of its own after all the others: the processes it
  // starts and leaves exiting would load the machine under whichever target came next.
  const rotating = defs.filter((def) => !def.fixedCalls);
  const passes: Array<{ run: number; clients: number; order: TargetDef[] }> = [];
  for (const fixedPass of [false, true]) {
    for (let run = 0; run < options.runs; run++) {
      for (const clients of options.clientCounts) {
        const order = fixedPass
          ? defs.filter((d) => d.fixedCalls)
          : rotating.map((_, i) => rotating[(i + run) % rotating.length]);
        if (order.length) passes.push({ run, clients, order });
      }
    }
  }
  for (const { run, clients, order } of passes) {
    for (const def of order) {
      const fixed = def.fixedCalls?.(clients);
      const idleChildren = def.fixedCalls ? childCount(def.cpuPids) : 0;
      const result = await pool.window(def.target, {
        sessions: clients,
        ...(fixed === undefined ? { durationMs: options.windowMs } : { calls: fixed }),
        // A stateless supergateway call costs a process spawn: no warm-up beyond opening the sessions.
        warmup: fixed === undefined ? Math.max(options.warmup, clients * 5) : 0,
        oneWorker: def.oneWorker,
        cpuPids: def.cpuPids,
      });
      if (def.fixedCalls) await settled(def.cpuPids, idleChildren);
      const perClient = results.get(def.id)!;
      perClient.set(clients, [...(perClient.get(clients) ?? []), result]);
      log(
        `overhead run ${run + 1}/${options.runs} c=${String(clients).padStart(2)} ${def.id.padEnd(24)} ` +
          `p50 ${percentile(result.latencies, 0.5).toFixed(2)}ms p99 ${percentile(result.latencies, 0.99).toFixed(2)}ms ` +
          `${result.throughput.toFixed(0)}/s (${result.calls} calls) cpu ${(result.cpuMs! / result.calls).toFixed(3)}ms/call ` +
          `loadgen ${(result.loadCpuMs / result.calls).toFixed(3)}ms/call`,
      );
    }
  }

  const rows: OverheadRow[] = [];
  for (const def of defs) {
    const baseline = defs.find((d) => d.group === def.group && d.baseline)!;
    for (const clients of options.clientCounts) {
      const mine = results.get(def.id)!.get(clients)!;
      const base = results.get(baseline.id)!.get(clients)!;
      const p50 = mine.map((r) => percentile(r.latencies, 0.5));
      const basep50 = base.map((r) => percentile(r.latencies, 0.5));
      rows.push({
        id: def.id,
        label: def.label,
        group: def.group,
        baseline: Boolean(def.baseline),
        clients,
        calls: mine.map((r) => r.calls),
        fixedCount: def.fixedCalls !== undefined,
        p50Ms: spread(p50),
        p99Ms: spread(mine.map((r) => percentile(r.latencies, 0.99))),
        throughput: spread(mine.map((r) => r.throughput)),
        p50Ratio: spread(p50.map((v, i) => v / basep50[i])),
        throughputRatio: spread(mine.map((r, i) => r.throughput / base[i].throughput)),
        cpuMsPerCall: spread(mine.map((r) => r.cpuMs! / r.calls)),
        loadCpuMsPerCall: spread(mine.map((r) => r.loadCpuMs / r.calls)),
      });
    }
  }

  const gatewayPid = gateway.proc.pid;
  // Stopped gracefully (SIGTERM) so a --cpu-prof profile gets written.
  await tracker.stop(gateway.proc, 15_000);
  gateway.cleanup();
  for (const peer of [...peers, ...relays, echoHttp]) await tracker.stop(peer.proc);
  const { log: _log, ...recorded } = options;
  return {
    options: recorded,
    loadGenerator:
      `${pool.describe()}; sessions spread evenly over the workers; each session issues tools/call back to back ` +
      `(closed loop); every target first serves ${options.steadyWarmupMs} ms untimed at 8 sessions, then fixed-duration ` +
      `windows of ${options.windowMs} ms, each after a warm-up (supergateway stateless: fixed count, no warm-up)`,
    targets: defs.map((d) => ({ id: d.id, label: d.label, group: d.group, how: HOW[d.id] })),
    rows,
    gatewayPid,
  };
}

function childCount(pids: number[] | 'opened'): number {
  return pids === 'opened' ? 0 : pids.reduce((sum, pid) => sum + descendantsOf(pid).length, 0);
}

/** Waits (up to 20 s) until the processes a bridge started per request have exited, then a second more. */
async function settled(pids: number[] | 'opened', idleChildren: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (childCount(pids) > idleChildren && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await new Promise((resolve) => setTimeout(resolve, 1000));
}

function http(url: string, call: CallSpec): LoadTarget {
  return { kind: 'http', url, calls: [call] };
}
