// Same-run before/after: this tree's built gateway and an older build side by side, on the same echo backends,
// timed windows alternating between them, so both see the same machine. Not part of `npm run bench`.
//
//   git worktree add ../before <commit> && (cd ../before && npm ci)
//   npm run bench:compare -- --before ../before [--backend echo_stdio|echo_http] [--sessions 8] [--runs 6]
//
// Prints each window, then the median calls/s, p50 and gateway CPU per call of each side (and of the echo HTTP
// server reached directly, for --backend echo_http).
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { LoadPool } from './lib/load-pool.js';
import { ProcessTracker } from './lib/process-tracker.js';
import { echoFixture, startEchoHttp } from './lib/servers.js';
import { alternateWindows } from './lib/same-run.js';
import { cleanEnv } from '../test/helpers/built-gateway.js';
import { freePort, fromRoot, waitFor } from '../test/helpers/processes.js';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    backend: { type: 'string', default: 'echo_stdio' },
    sessions: { type: 'string', default: '8' },
    runs: { type: 'string', default: '6' },
    'window-ms': { type: 'string', default: '2000' },
  },
});
if (!values.before) throw new Error('--before DIR: a built checkout of the older commit is required');
const beforeBin = resolve(values.before, 'bin/mcp-gateway.js');
if (!existsSync(resolve(values.before, 'dist'))) throw new Error(`${values.before} has no dist/: build it first`);
const backend = values.backend;
if (backend !== 'echo_stdio' && backend !== 'echo_http') throw new Error('--backend: echo_stdio or echo_http');
const sessions = Number(values.sessions);
const runs = Number(values.runs);
const windowMs = Number(values['window-ms']);

const tracker = new ProcessTracker();
process.once('SIGINT', () => void tracker.stopAll().finally(() => process.exit(130)));
try {
  const echoHttp = await startEchoHttp(tracker);
  const startGateway = async (label: string, bin: string, cwd: string) => {
    const file = join(mkdtempSync(join(tmpdir(), 'mcp-gateway-compare-')), 'gateway.yaml');
    writeFileSync(
      file,
      stringify({
        // As in the benchmark: a limit of 100 calls/s would measure the limiter.
        failsafe: { rate_limit: { enabled: false } },
        backends: {
          echo_stdio: { command: process.execPath, args: [echoFixture, 'stdio'] },
          echo_http: { http_url: echoHttp.url, transport: 'streamable_http' },
        },
      }),
    );
    const port = await freePort();
    const args = [bin, '--config', file, '--port', String(port), '--log-level', 'warn'];
    const proc = tracker.spawn(label, process.execPath, args, { env: cleanEnv(), cwd });
    const url = `http://127.0.0.1:${port}`;
    await waitFor(
      async () => {
        const health = await fetch(`${url}/health`).catch(() => undefined);
        if (!health) return false;
        const body = (await health.json()) as { backends: Record<string, { state: string }> };
        return Object.values(body.backends).every((b) => b.state === 'ready');
      },
      { timeoutMs: 60_000, description: `${label} with both backends ready` },
    );
    return { label, url: `${url}/mcp/${backend}`, pid: proc.pid };
  };
  const targets = [
    await startGateway('after', fromRoot('bin/mcp-gateway.js'), fromRoot('.')),
    await startGateway('before', beforeBin, resolve(values.before)),
    ...(backend === 'echo_http' ? [{ label: 'direct', url: echoHttp.url, pid: echoHttp.proc.pid }] : []),
  ];
  const pool = LoadPool.start(tracker, 1, 'raw');
  const calls = [{ name: 'echo', arguments: { message: 'hello' }, expectText: 'hello' }];
  await alternateWindows(pool, targets, { runs, sessions, windowMs, calls });
  await pool.stop();
} finally {
  await tracker.stopAll();
}
