// Starting the processes under test: the built gateway, the echo fixture, and the peer bridges. All on 127.0.0.1.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { stringify } from 'yaml';
import { cleanEnv, gatewayBin } from '../../test/helpers/built-gateway.js';
import { freePort, fromRoot, waitFor } from '../../test/helpers/processes.js';
import type { ProcessTracker, Tracked } from './process-tracker.js';

export const echoFixture = fromRoot('bench/fixtures/echo-server.mjs');
export const bareRelayFixture = fromRoot('bench/fixtures/bare-relay.mjs');
export const catalogStdioFixture = fromRoot('bench/fixtures/catalog-stdio.mjs');
const loopbackPreload = fromRoot('test/fixtures/loopback-listen.cjs');
const mcpProxyBin = fromRoot('node_modules/mcp-proxy/dist/bin/mcp-proxy.mjs');
const supergatewayBin = fromRoot('node_modules/supergateway/dist/index.js');

export interface Running {
  proc: Tracked;
  port: number;
  /** The MCP endpoint (or the gateway's base URL for the gateway). */
  url: string;
}

function tail(proc: Tracked): string {
  return [...proc.stderrLines.slice(-15), ...proc.stdoutLines.slice(-5)].join('\n');
}

function exitedError(proc: Tracked, what: string): Error {
  return new Error(
    `${proc.label} exited (code ${proc.child.exitCode}, signal ${proc.child.signalCode}) ${what}\n${tail(proc)}`,
  );
}

/** Polls until `probe` is true; fails early (with its output) when the process dies. */
async function until(proc: Tracked, probe: () => Promise<boolean>, description: string, timeoutMs: number) {
  await waitFor(
    async () => {
      if (proc.child.exitCode !== null || proc.child.signalCode !== null)
        throw exitedError(proc, `before ${description}`);
      return probe().catch(() => false);
    },
    { timeoutMs, intervalMs: 10, description: `${proc.label}: ${description}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${tail(proc)}`);
  });
}

async function fetchStatus(url: string): Promise<number> {
  const response = await fetch(url);
  await response.arrayBuffer();
  return response.status;
}

/** Every TCP socket listening on `port`, as `address:port` (IPv4 and IPv6), from /proc/net. */
function listeners(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 4 || fields[3] !== '0A') continue;
      const [address, portHex] = fields[1].split(':');
      if (portHex === hexPort) found.push(address);
    }
  }
  return found;
}

const LOOPBACK = new Set(['0100007F', '0000000000000000FFFF00000100007F', '00000000000000000000000001000000']);

/** Fails unless everything listening on `port` is bound to a loopback address. */
export function assertLoopbackOnly(label: string, port: number): void {
  const bound = listeners(port);
  if (bound.length === 0) throw new Error(`${label}: nothing listening on port ${port}`);
  const exposed = bound.filter((address) => !LOOPBACK.has(address));
  if (exposed.length) throw new Error(`${label}: port ${port} is bound beyond loopback (${exposed.join(', ')})`);
}

/** The echo fixture over Streamable HTTP. */
export function startEchoHttp(tracker: ProcessTracker): Promise<Running> {
  return startListening(tracker, 'echo-http', [echoFixture, 'http']);
}

/**
 * The bare node:http relay (bench/fixtures/bare-relay.mjs): the echo fixture over one stdio child, or `httpUrl`'s
 * server. The floor of the overhead tables, not a peer.
 */
export function startBareRelay(tracker: ProcessTracker, httpUrl?: string): Promise<Running> {
  const args = httpUrl ? ['http', httpUrl] : ['stdio', process.execPath, echoFixture, 'stdio'];
  return startListening(tracker, `bare-relay-${args[0]}`, [bareRelayFixture, ...args]);
}

/** A fixture that binds 127.0.0.1:$PORT, says `LISTENING <port>` on stderr and serves MCP at /mcp. */
export async function startListening(tracker: ProcessTracker, label: string, args: string[]): Promise<Running> {
  const port = await freePort();
  const proc = tracker.spawn(label, process.execPath, args, { env: { ...process.env, PORT: String(port) } });
  await until(proc, async () => proc.stderrLines.some((line) => line === `LISTENING ${port}`), 'LISTENING', 15_000);
  assertLoopbackOnly(proc.label, port);
  return { proc, port, url: `http://127.0.0.1:${port}/mcp` };
}

export interface GatewayOptions {
  label: string;
  backends: Record<string, unknown>;
  metaMode: boolean;
  /** Extra node flags for the gateway process (e.g. --cpu-prof). */
  nodeArgs?: string[];
  /** More top-level config keys (e.g. `auth`). */
  config?: Record<string, unknown>;
}

export interface RunningGateway extends Running {
  /** performance.now() just before spawn. */
  spawnedAt: number;
  /** ms from spawn until /health/ready answered 200. */
  readyMs: number;
  cleanup(): void;
}

/**
 * The built gateway as a real process on a free port. Rate limiting is turned off: a limit of 100 requests per
 * second would measure the limiter, not the gateway (breaker and retry keep their defaults).
 */
export async function startGateway(tracker: ProcessTracker, options: GatewayOptions): Promise<RunningGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-gateway-bench-'));
  const file = join(dir, 'gateway.yaml');
  writeFileSync(
    file,
    stringify({
      meta_mcp: { enabled: options.metaMode },
      failsafe: { rate_limit: { enabled: false } },
      backends: options.backends,
      ...options.config,
    }),
  );
  const port = await freePort();
  const spawnedAt = performance.now();
  const proc = tracker.spawn(
    options.label,
    process.execPath,
    [...(options.nodeArgs ?? []), gatewayBin, '--config', file, '--port', String(port), '--log-level', 'warn'],
    { env: cleanEnv(), cwd: fromRoot('.') },
  );
  const base = `http://127.0.0.1:${port}`;
  await until(proc, async () => (await fetchStatus(`${base}/health/ready`)) === 200, '/health/ready', 120_000);
  const readyMs = performance.now() - spawnedAt;
  assertLoopbackOnly(proc.label, port);
  return { proc, port, url: base, spawnedAt, readyMs, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

interface HealthSummary {
  backends: Record<string, { running: boolean; tools_cached: number; last_error?: string }>;
}

/** Waits until every backend is ready with its tool list cached; returns ms since spawn. */
export async function waitAllBackends(gateway: RunningGateway, count: number, timeoutMs = 120_000): Promise<number> {
  let last: HealthSummary | undefined;
  await until(
    gateway.proc,
    async () => {
      const response = await fetch(`${gateway.url}/health`);
      last = (await response.json()) as HealthSummary;
      const all = Object.values(last.backends);
      return all.length === count && all.every((backend) => backend.running && backend.tools_cached > 0);
    },
    `all ${count} backends ready with tools`,
    timeoutMs,
  ).catch((error: Error) => {
    const pending = Object.entries(last?.backends ?? {})
      .filter(([, b]) => !b.running || b.tools_cached === 0)
      .map(([name, b]) => `${name}${b.last_error ? ` (${b.last_error})` : ''}`);
    throw new Error(`${error.message}\nnot ready: ${pending.slice(0, 10).join(', ')}`);
  });
  return performance.now() - gateway.spawnedAt;
}

/** POSTs initialize to an MCP endpoint until it answers 200 (the bridges connect their stdio child first). */
async function mcpAnswers(url: string): Promise<boolean> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench-probe', version: '1' } },
    }),
  });
  const session = response.headers.get('mcp-session-id');
  await response.arrayBuffer();
  if (session) await fetch(url, { method: 'DELETE', headers: { 'mcp-session-id': session } }).catch(() => undefined);
  return response.status === 200;
}

/** mcp-proxy (punkpeye) with its documented options: `--host 127.0.0.1 --port N -- <stdio command>`. */
export async function startMcpProxy(tracker: ProcessTracker): Promise<Running> {
  const port = await freePort();
  const proc = tracker.spawn('mcp-proxy', process.execPath, [
    mcpProxyBin,
    '--host',
    '127.0.0.1',
    '--port',
    String(port),
    '--',
    process.execPath,
    echoFixture,
    'stdio',
  ]);
  const url = `http://127.0.0.1:${port}/mcp`;
  await until(proc, () => mcpAnswers(url), 'MCP initialize', 30_000);
  assertLoopbackOnly(proc.label, port);
  return { proc, port, url };
}

/**
 * supergateway (stdio -> Streamable HTTP). It has no host option and binds every interface, so it runs with
 * test/fixtures/loopback-listen.cjs preloaded, which moves its listen() onto 127.0.0.1. `stateful` adds its
 * documented --stateful flag (one stdio child per session); without it, a new child serves every request.
 */
export async function startSupergateway(tracker: ProcessTracker, stateful: boolean): Promise<Running> {
  const port = await freePort();
  const proc = tracker.spawn(`supergateway${stateful ? '-stateful' : ''}`, process.execPath, [
    '--require',
    loopbackPreload,
    supergatewayBin,
    '--stdio',
    `${process.execPath} ${echoFixture} stdio`,
    '--outputTransport',
    'streamableHttp',
    '--port',
    String(port),
    '--logLevel',
    'none',
    ...(stateful ? ['--stateful'] : []),
  ]);
  const url = `http://127.0.0.1:${port}/mcp`;
  await until(proc, () => mcpAnswers(url), 'MCP initialize', 30_000);
  assertLoopbackOnly(proc.label, port);
  return { proc, port, url };
}
