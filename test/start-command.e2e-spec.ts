// The README's start command passes SIGTERM on: sent to the PID a supervisor started, the gateway and its backends end.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { stringify } from 'yaml';
import { cleanEnv, ensureGatewayBuilt } from './helpers/built-gateway.js';
import { faultStdioCommand } from './helpers/fault.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { childPids } from './helpers/proc-tree.js';
import { freePort, isAlive, killPid, repoRoot, waitFor, waitForExit } from './helpers/processes.js';

jest.setTimeout(60_000);

let dir: string;
const seen: number[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'start-command-'));
  await ensureGatewayBuilt();
}, 200_000);

afterAll(() => {
  for (const pid of seen) if (isAlive(pid)) killPid(pid);
  rmSync(dir, { recursive: true, force: true });
});

/** `pid` and every process under it, parents first. */
function processTree(pid: number): number[] {
  return [pid, ...childPids(pid).flatMap(processTree)];
}

describe('npm start (the README start command)', () => {
  it('SIGTERM to its PID ends the gateway and every backend, and it exits 0', async () => {
    const port = await freePort();
    const file = join(dir, 'gateway.yaml');
    writeFileSync(
      file,
      stringify({
        server: { host: '127.0.0.1', port },
        logging: { format: 'json' },
        backends: { fault: stdioBackend(faultStdioCommand()) },
      }),
    );
    const npm = spawn('npm', ['start', '--', '--config', file], {
      cwd: repoRoot,
      env: cleanEnv(),
      stdio: 'ignore',
    });
    seen.push(npm.pid!);
    await waitFor(
      async () => {
        const health = await fetch(`http://127.0.0.1:${port}/health`).catch(() => undefined);
        const body = (await health?.json().catch(() => undefined)) as
          { backends?: Record<string, { state: string }> } | undefined;
        return body?.backends?.fault?.state === 'ready';
      },
      { timeoutMs: 30_000, description: 'the gateway and its backend to be ready' },
    );
    const tree = processTree(npm.pid!);
    seen.push(...tree);
    // npm itself, the gateway (npm's shell execs node) and the backend at least.
    expect(tree.length).toBeGreaterThanOrEqual(3);

    npm.kill('SIGTERM');
    expect(await waitForExit(npm, 15_000)).toEqual({ code: 0, signal: null });
    await waitFor(() => tree.every((pid) => !isAlive(pid)), {
      timeoutMs: 10_000,
      description: `every process of the tree (${tree.join(', ')}) to exit`,
    });
  });
});
