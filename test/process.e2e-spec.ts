// The built gateway as a real process: SIGTERM drains in-flight work, exits 0 in time, and leaves no backend behind.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { stringify } from 'yaml';
import { cleanEnv, ensureGatewayBuilt, spawnGateway, type GatewayProcess } from './helpers/built-gateway.js';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { faultStdioCommand, readCallLog } from './helpers/fault.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { childPids, parentPid, processGroup } from './helpers/proc-tree.js';
import { freePort, isAlive, killPid, stopProcess, waitFor, waitForExit } from './helpers/processes.js';

jest.setTimeout(45_000);

const SHUTDOWN_TIMEOUT_MS = 5000;

/** Every pid a test saw (gateway, backends, grandchildren): killed in afterEach if still alive. */
const started: number[] = [];
const gateways: GatewayProcess[] = [];
let dir: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gateway-process-'));
  await ensureGatewayBuilt();
}, 200_000);

afterEach(async () => {
  await Promise.allSettled(gateways.splice(0).map((gateway) => stopProcess(gateway.child)));
  for (const pid of started.splice(0)) if (isAlive(pid)) killPid(pid);
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

interface Started {
  gateway: GatewayProcess;
  baseUrl: string;
  /** The stdio backends the gateway spawned (its direct children). */
  backendPids: number[];
  /** The grandchild the fault-server backend forked. */
  grandchildPid: number;
  /** Its grandchild that called setsid (a session and group of its own), and one left behind by a double fork. */
  setsidPid: number;
  daemonPid: number;
  callLog: string;
}

async function startBuiltGateway(name: string): Promise<Started> {
  const port = await freePort();
  const pidFile = join(dir, `${name}.grandchild.pid`);
  const setsidFile = join(dir, `${name}.setsid.pid`);
  const daemonFile = join(dir, `${name}.daemon.pid`);
  const callLog = join(dir, `${name}.calls.log`);
  const file = join(dir, `${name}.yaml`);
  writeFileSync(
    file,
    stringify({
      server: {
        host: '127.0.0.1',
        port: 1,
        shutdown_timeout: `${SHUTDOWN_TIMEOUT_MS / 1000}s`,
        request_timeout: '20s',
      },
      logging: { level: 'info', format: 'json' },
      backends: {
        forker: stdioBackend(faultStdioCommand(), {
          env: {
            FAULT_NAME: 'forker',
            FAULT_FORK_CHILD: pidFile,
            FAULT_SETSID_CHILD: setsidFile,
            FAULT_DAEMON_CHILD: daemonFile,
            FAULT_CALL_LOG: callLog,
          },
        }),
        everything: stdioBackend(everythingStdioCommand()),
      },
    }),
  );
  const gateway = spawnGateway(['--config', file, '--port', String(port)], { cwd: dir, env: cleanEnv() });
  gateways.push(gateway);
  started.push(gateway.pid);
  const baseUrl = `http://127.0.0.1:${port}`;

  const exited = waitForExit(gateway.child, 30_000).then(({ code, signal }) => {
    throw new Error(`gateway exited early (code ${code}, signal ${signal}):\n${gateway.stderrLines.join('\n')}`);
  });
  exited.catch(() => undefined);
  await Promise.race([
    exited,
    waitFor(
      async () => {
        const [ready, health] = await Promise.all([fetch(`${baseUrl}/health/ready`), fetch(`${baseUrl}/health`)]);
        const body = (await health.json()) as { status: string };
        return ready.status === 200 && body.status === 'healthy';
      },
      { timeoutMs: 30_000, intervalMs: 100, description: 'gateway healthy with both backends ready' },
    ),
  ]);

  const backendPids = childPids(gateway.pid);
  started.push(...backendPids);
  const [grandchildPid, setsidPid, daemonPid] = await Promise.all(
    [pidFile, setsidFile, daemonFile].map((file) =>
      waitFor(() => Number(readFileSync(file, 'utf8')) || undefined, { description: `pid file ${file}` }),
    ),
  );
  started.push(grandchildPid, setsidPid, daemonPid);
  return { gateway, baseUrl, backendPids, grandchildPid, setsidPid, daemonPid, callLog };
}

/** The gateway's JSON log lines (pino), parsed. */
function logMessages(gateway: GatewayProcess): string[] {
  return gateway.stdoutLines.flatMap((line) => {
    try {
      const { msg } = JSON.parse(line) as { msg?: unknown };
      return typeof msg === 'string' ? [msg] : [];
    } catch {
      return [];
    }
  });
}

describe('the built gateway as a process', () => {
  it('SIGTERM: exits 0 within shutdown_timeout, and every backend process and grandchild is gone, setsid ones too', async () => {
    const { gateway, backendPids, grandchildPid, setsidPid, daemonPid } = await startBuiltGateway('sigterm');
    // Two stdio backends, each leading its own process group; the grandchild is in the fault-server's group.
    expect(backendPids).toHaveLength(2);
    for (const pid of backendPids) {
      expect(isAlive(pid)).toBe(true);
      expect(processGroup(pid)).toBe(pid);
    }
    expect(isAlive(grandchildPid)).toBe(true);
    expect(backendPids).toContain(processGroup(grandchildPid));
    // Outside every backend's process group: ending the groups alone would leave these two running.
    for (const pid of [setsidPid, daemonPid]) {
      expect(isAlive(pid)).toBe(true);
      expect(processGroup(pid)).toBe(pid);
    }
    expect(backendPids).not.toContain(parentPid(daemonPid));
    expect(logMessages(gateway).some((msg) => msg.startsWith('mcp-gateway 0.1.0 listening on http://127.0.0.1:'))).toBe(
      true,
    );

    const signalled = Date.now();
    gateway.child.kill('SIGTERM');
    const exit = await waitForExit(gateway.child, SHUTDOWN_TIMEOUT_MS);
    const elapsed = Date.now() - signalled;

    expect(exit).toEqual({ code: 0, signal: null });
    expect(elapsed).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    for (const pid of [...backendPids, grandchildPid, setsidPid, daemonPid]) expect(isAlive(pid)).toBe(false);
    await gateway.closed;
    expect(logMessages(gateway)).toContain('SIGTERM received, shutting down');
  });

  it('SIGTERM: an in-flight slow tool call through /mcp/{backend} finishes before the gateway exits', async () => {
    const { gateway, baseUrl, backendPids, grandchildPid, callLog } = await startBuiltGateway('inflight');
    const client = new Client({ name: 'process-e2e', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp/forker`)));
    try {
      const call = client.callTool({ name: 'slow', arguments: { ms: 2000 } }, undefined, { timeout: 15_000 });
      call.catch(() => undefined);
      // The call has reached the backend before the signal.
      await waitFor(() => readCallLog(callLog).includes('slow'), { description: 'slow call logged by the backend' });

      const signalled = Date.now();
      gateway.child.kill('SIGTERM');
      // While draining, readiness fails, so a load balancer stops sending traffic.
      await waitFor(async () => (await fetch(`${baseUrl}/health/ready`)).status === 503, {
        timeoutMs: 1500,
        description: '/health/ready 503 while draining',
      });

      // Answered in full: had the gateway closed the backend or the connection first, the call would have failed.
      expect(firstText(await call)).toBe('done after 2000ms');

      const exit = await waitForExit(gateway.child, SHUTDOWN_TIMEOUT_MS);
      expect(exit).toEqual({ code: 0, signal: null });
      expect(Date.now() - signalled).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
      expect(readCallLog(callLog)).not.toContain('cancelled slow');
      for (const pid of [...backendPids, grandchildPid]) expect(isAlive(pid)).toBe(false);
    } finally {
      await client.close().catch(() => undefined);
    }
  });

  it('SIGTERM while a backend never finishes its handshake: exits at once, and that process is gone', async () => {
    const port = await freePort();
    const file = join(dir, 'mute.yaml');
    writeFileSync(
      file,
      stringify({
        server: { host: '127.0.0.1', port, shutdown_timeout: `${SHUTDOWN_TIMEOUT_MS / 1000}s` },
        logging: { level: 'info', format: 'json' },
        // Reads stdin and never answers: initialize waits out connect_timeout unless shutdown ends the attempt.
        backends: { mute: { command: process.execPath, args: ['-e', 'process.stdin.resume()'] } },
      }),
    );
    const gateway = spawnGateway(['--config', file], { cwd: dir, env: cleanEnv() });
    gateways.push(gateway);
    started.push(gateway.pid);
    const [mutePid] = await waitFor(() => (childPids(gateway.pid).length ? childPids(gateway.pid) : undefined), {
      timeoutMs: 15_000,
      description: 'the mute backend spawned',
    });
    started.push(mutePid);
    await waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/live`).catch(() => undefined))?.ok, {
      description: 'the gateway answering /health/live',
    });

    gateway.child.kill('SIGTERM');
    // connect_timeout is 30 s: an exit within SHUTDOWN_TIMEOUT_MS means the handshake in progress was ended, not
    // waited out (no tighter wall-clock bound: the machine may be loaded).
    const exit = await waitForExit(gateway.child, SHUTDOWN_TIMEOUT_MS);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(isAlive(mutePid)).toBe(false);
  });
});
