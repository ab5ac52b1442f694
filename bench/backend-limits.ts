// Backend limits under load, against the built gateway (`npm run build` first): the figures of issue 12 items 9 and 12.
//
//   node --import tsx bench/backend-limits.ts large-result [--mb 50] [--max-message-size 64mb]
//     one stdio result of <mb> MB through /mcp/{backend}: wall time, gateway peak RSS (VmHWM), and whether it arrived
//   node --import tsx bench/backend-limits.ts roots-clients [--clients 50]
//     <clients> sessions declaring `roots` call tools/list on a stdio server-everything: backend processes and the
//     RSS of the gateway plus all its descendants
//
// Every process started is ended by pid; nothing is killed by name.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { stringify } from 'yaml';
import { cleanEnv, ensureGatewayBuilt, spawnGateway } from '../test/helpers/built-gateway.js';
import { everythingStdioCommand } from '../test/helpers/everything-server.js';
import { faultStdioCommand } from '../test/helpers/fault.js';
import { firstText, stdioBackend } from '../test/helpers/gateway-config.js';
import { freePort, stopProcess, waitFor } from '../test/helpers/processes.js';
import { descendantsOf } from './lib/process-tracker.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    mb: { type: 'string', default: '50' },
    'max-message-size': { type: 'string' },
    clients: { type: 'string', default: '50' },
  },
});

/** A field of /proc/<pid>/status in kB (VmRSS, VmHWM); 0 once the process is gone. */
function statusKb(pid: number, field: string): number {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) : 0;
  } catch {
    return 0;
  }
}

async function withGateway<T>(
  backends: Record<string, unknown>,
  run: (baseUrl: string, pid: number) => Promise<T>,
): Promise<T> {
  await ensureGatewayBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'bench-limits-'));
  const port = await freePort();
  const file = join(dir, 'gateway.yaml');
  writeFileSync(
    file,
    stringify({
      server: { host: '127.0.0.1', port, request_timeout: '120s', max_request_duration: '10m' },
      logging: { level: 'warn', format: 'json' },
      backends,
    }),
  );
  const gateway = spawnGateway(['--config', file], { cwd: dir, env: cleanEnv() });
  const baseUrl = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${baseUrl}/health/ready`).catch(() => undefined))?.status === 200, {
      timeoutMs: 60_000,
      intervalMs: 200,
      description: 'gateway ready',
    });
    return await run(baseUrl, gateway.pid);
  } finally {
    await stopProcess(gateway.child, 10_000);
    rmSync(dir, { recursive: true, force: true });
    const warnings = gateway.stdoutLines.filter((line) => /"level":(40|50)/.test(line));
    if (warnings.length) console.log(`gateway warnings (${warnings.length}):\n${warnings.slice(0, 8).join('\n')}`);
  }
}

async function largeResult(): Promise<void> {
  const bytes = Number(values.mb) * 1024 ** 2;
  const extra = values['max-message-size'] ? { max_message_size: values['max-message-size'] } : {};
  const backends = { big: stdioBackend(faultStdioCommand(), { env: { FAULT_NAME: 'big' }, ...extra }) };
  await withGateway(backends, async (baseUrl, pid) => {
    const client = new Client({ name: 'bench-large', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp/big`)));
    const baseline = statusKb(pid, 'VmHWM');
    const started = performance.now();
    let outcome: string;
    try {
      const result = await client.callTool({ name: 'big', arguments: { bytes } }, undefined, { timeout: 120_000 });
      outcome = firstText(result).length === bytes ? 'complete' : `wrong length ${firstText(result).length}`;
    } catch (error) {
      outcome = `failed: ${(error as Error).message.slice(0, 300)}`;
    }
    const seconds = (performance.now() - started) / 1000;
    const metrics = await (await fetch(`${baseUrl}/metrics`)).text();
    const restarts = /^mcp_gateway_backend_restarts_total\{backend="big"\} (\d+)/m.exec(metrics)?.[1] ?? '0';
    console.log(
      JSON.stringify({
        scenario: 'large-result',
        mb: Number(values.mb),
        seconds: Number(seconds.toFixed(2)),
        gatewayPeakRssMb: Math.round(statusKb(pid, 'VmHWM') / 1024),
        gatewayRssBeforeMb: Math.round(baseline / 1024),
        outcome,
        backendRestarts: Number(restarts),
      }),
    );
    await client.close();
  });
}

async function rootsClients(): Promise<void> {
  const count = Number(values.clients);
  const backends = { everything: stdioBackend(everythingStdioCommand()) };
  await withGateway(backends, async (baseUrl, pid) => {
    const clients: Client[] = [];
    const rssMb = () =>
      Math.round([pid, ...descendantsOf(pid)].reduce((sum, each) => sum + statusKb(each, 'VmRSS'), 0) / 1024);
    const before = { processes: descendantsOf(pid).length, rssMb: rssMb() };
    for (let i = 0; i < count; i++) {
      const client = new Client({ name: `ide-${i}`, version: '1.0.0' }, { capabilities: { roots: {} } });
      client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: `file:///work/ide-${i}` }] }));
      await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp/everything`)));
      await client.listTools();
      clients.push(client);
    }
    const after = { processes: descendantsOf(pid).length, rssMb: rssMb() };
    console.log(JSON.stringify({ scenario: 'roots-clients', clients: count, before, after }));
    await Promise.all(clients.map((client) => client.close()));
  });
}

const scenarios: Record<string, () => Promise<void>> = {
  'large-result': largeResult,
  'roots-clients': rootsClients,
};
const scenario = scenarios[positionals[0] ?? ''];
if (!scenario) {
  console.error(`usage: backend-limits.ts ${Object.keys(scenarios).join('|')} [options]`);
  process.exit(2);
}
await scenario();
