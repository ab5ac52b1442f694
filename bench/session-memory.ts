// Heap of an idle MCP session: opens N sessions (initialize + notifications/initialized, as every client does) on
// /mcp and on /mcp/{backend} of the built gateway (dist/, run in this process so a full GC can be forced), then
// reports the heap growth per session.
//
//   npm run build && node --expose-gc --import tsx bench/session-memory.ts [--sessions N]   (default 2000 per route)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { argv } from 'node:process';
import { stringify } from 'yaml';
import { fromRoot } from '../test/helpers/processes.js';
import { echoFixture } from './lib/servers.js';

const sessions = Number(argv[argv.indexOf('--sessions') + 1] || 0) || 2000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with node --expose-gc');

const VERSION = '2025-11-25';
const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };

async function openSession(url: string): Promise<void> {
  const init = await fetch(url, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 0,
      method: 'initialize',
      params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 'session-memory', version: '1' } },
    }),
  });
  await init.arrayBuffer();
  const id = init.headers.get('mcp-session-id');
  if (init.status !== 200 || !id) throw new Error(`initialize answered ${init.status}`);
  const done = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'mcp-session-id': id, 'mcp-protocol-version': VERSION },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  await done.arrayBuffer();
}

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return process.memoryUsage().heapUsed;
}

interface Built {
  startGateway(
    config: unknown,
    options: object,
  ): Promise<{ getHttpServer(): { address(): unknown }; close(): Promise<void> }>;
  loadGatewayConfig(options: object): unknown;
}
// The built gateway: Nest needs the decorator metadata tsx does not emit.
const { startGateway } = (await import(fromRoot('dist/apps/gateway/src/bootstrap.js'))) as Built;
const { loadGatewayConfig } = (await import(fromRoot('dist/libs/config/src/index.js'))) as Built;
const dir = mkdtempSync(join(tmpdir(), 'session-memory-'));
const file = join(dir, 'gateway.yaml');
writeFileSync(
  file,
  stringify({
    server: { host: '127.0.0.1', port: 0, max_sessions: sessions * 4 },
    logging: { level: 'silent' },
    backends: { echo: { command: JSON.stringify(process.execPath), args: [echoFixture, 'stdio'] } },
  }),
);
const app = await startGateway(loadGatewayConfig({ flags: { config: file }, env: {}, cwd: dir }), {
  handleSignals: false,
});
try {
  const address = app.getHttpServer().address() as { port: number };
  const base = `http://127.0.0.1:${address.port}`;
  for (const route of ['/mcp', '/mcp/echo']) {
    // Warm-up: JIT, lazy SDK schemas, the backend connection.
    for (let i = 0; i < 50; i++) await openSession(`${base}${route}`);
    const before = await heapAfterGc();
    for (let i = 0; i < sessions; i++) await openSession(`${base}${route}`);
    const after = await heapAfterGc();
    const perSession = (after - before) / sessions;
    console.log(
      `${route}: ${sessions} idle sessions, heap +${((after - before) / 1024 ** 2).toFixed(1)} MB, ` +
        `${(perSession / 1024).toFixed(1)} KB per session`,
    );
  }
} finally {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
}
