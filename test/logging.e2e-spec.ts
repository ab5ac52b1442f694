// Logs of the real gateway process: secrets from backend config never appear, and lines of a request carry its id.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { stringify } from 'yaml';
import {
  cleanEnv,
  ensureGatewayBuilt,
  spawnGateway,
  stopGatewayProcess,
  type GatewayProcess,
} from './helpers/built-gateway.js';
import { faultStdioCommand } from './helpers/fault.js';
import { connectClient, httpTransportOf } from './helpers/gateway.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { childPids } from './helpers/proc-tree.js';
import { freePort, isAlive, stopProcess, waitFor } from './helpers/processes.js';

jest.setTimeout(90_000);

const TOKEN = 'tok-5ecret-9f8e7d6c';

describe('gateway logs', () => {
  let dir: string;
  let gateway: GatewayProcess;
  let baseUrl: string;

  const records = () =>
    gateway.stdoutLines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });

  beforeAll(async () => {
    await ensureGatewayBuilt();
    dir = mkdtempSync(join(tmpdir(), 'gateway-logs-'));
    const port = await freePort();
    const config = join(dir, 'gateway.yaml');
    writeFileSync(
      config,
      stringify({
        server: { port },
        logging: { level: 'debug', format: 'json' },
        failsafe: { retry: { enabled: false } },
        backends: {
          // A server that announces its credentials on stderr, as some do at startup.
          chatty: {
            command: process.execPath,
            args: ['-e', 'console.error("connecting with token " + process.env.API_TOKEN); setInterval(() => {}, 1e9)'],
            // PROBE is a setting, not a credential: its value is an ordinary word that other lines contain.
            env: { API_TOKEN: TOKEN, PROBE: 'ready' },
          },
          fault: stdioBackend(faultStdioCommand()),
        },
      }),
    );
    gateway = spawnGateway(['--config', config], { env: cleanEnv() });
    baseUrl = `http://127.0.0.1:${port}`;
    await waitFor(async () => (await fetch(`${baseUrl}/health`).catch(() => undefined))?.ok, {
      timeoutMs: 30_000,
      description: 'the gateway to answer /health',
    });
  });

  afterAll(async () => {
    if (gateway) await stopGatewayProcess(gateway);
    rmSync(dir, { recursive: true, force: true });
  });

  it("never writes a backend's env value, even when the backend prints it", async () => {
    await waitFor(() => gateway.stdoutLines.some((line) => line.includes('connecting with token')), {
      timeoutMs: 15_000,
      description: "the backend's stderr line in the log",
    });
    const line = gateway.stdoutLines.find((entry) => entry.includes('connecting with token'))!;
    expect(line).toContain('connecting with token ***');
    expect(gateway.stdoutLines.join('\n')).not.toContain(TOKEN);
  });

  it('masks credentials, not ordinary words that a setting in env happens to hold', () => {
    const routes = gateway.stdoutLines.filter((line) => line.includes('Mapped {/health/'));
    expect(routes.join('\n')).toContain('Mapped {/health/ready, GET} route');
    expect(gateway.stdoutLines.join('\n')).not.toContain('/health/***');
  });

  it('shows a session id only as the first 8 hex digits of its SHA-256', async () => {
    const client = await connectClient(`${baseUrl}/mcp`);
    const sessionId = httpTransportOf(client).sessionId!;
    await client.listTools();
    await client.close();
    const tag = createHash('sha256').update(sessionId).digest('hex').slice(0, 8);
    const withSession = (record: Record<string, unknown>) =>
      (record.req as { headers?: Record<string, string> } | undefined)?.headers?.['mcp-session-id'] === tag;
    await waitFor(() => records().some((record) => withSession(record) && record.res), {
      timeoutMs: 10_000,
      description: 'an access line of the session',
    });
    // Nowhere in the log, in a request or a response header or a message, is the full id.
    expect(gateway.stdoutLines.join('\n')).not.toContain(sessionId);
  });

  it('gives the lines written while serving a request that request id', async () => {
    const client = await connectClient(`${baseUrl}/mcp`);
    // The SDK client sends no x-request-id, so the gateway makes one; find the failure line and its request's id.
    const result = await client.callTool({ name: 'gateway_invoke', arguments: { server: 'fault', tool: 'crash' } });
    expect(result.isError).toBe(true);
    await client.close();
    const failure = await waitFor(
      () =>
        records().find(
          (record) => String(record.msg).includes('tools/call failed') && record.context === 'backend:fault',
        ),
      { timeoutMs: 10_000, description: 'the backend failure log line' },
    );
    const req = failure.req as { id?: string } | undefined;
    expect(req?.id).toBeTruthy();
    // The same id is on the access log line of the POST that carried the call.
    expect(records().some((record) => (record.req as { id?: string } | undefined)?.id === req!.id && record.res)).toBe(
      true,
    );
    // Made by the gateway: a UUID, not a counter that restarts with every process.
    expect(req!.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("keeps the caller's X-Request-Id, so a trace runs through from the ingress", async () => {
    const posted = await fetch(`${baseUrl}/mcp`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-request-id': 'ingress-trace-43',
        authorization: 'Bearer never-logged-7f3a',
        'user-agent': 'logging-spec',
      },
      body: '{}',
    });
    expect(posted.status).toBe(406);
    const line = await waitFor(
      () => records().find((record) => (record.req as { id?: string } | undefined)?.id === 'ingress-trace-43'),
      { timeoutMs: 10_000, description: 'the access line with the caller’s request id' },
    );
    // The access line says who called what; credentials are not in it at all.
    expect(line.req).toMatchObject({ method: 'POST', url: '/mcp', headers: { 'user-agent': 'logging-spec' } });
    // The status sent, even though the config holds env values (the redacting formatter once lost it: null).
    expect(line.res).toMatchObject({ statusCode: 406 });
    expect(gateway.stdoutLines.join('\n')).not.toContain('never-logged-7f3a');
  });
  // Last: it stops the gateway. A session is still open (its client left without DELETE) and a backend never
  // finished its handshake; neither may hold up shutdown or outlive the gateway.
  it('exits on SIGTERM at once with a session still open, leaving no backend behind', async () => {
    const backends = childPids(gateway.child.pid!);
    expect(backends.length).toBeGreaterThanOrEqual(1);
    // Within 5 s, far below shutdown_timeout and connect_timeout (30 s each): neither the open session nor the
    // unfinished handshake was waited out (no wall-clock bound tighter than that: the machine may be loaded).
    expect(await stopProcess(gateway.child, 5_000)).toEqual({ code: 0, signal: null });
    for (const pid of backends) expect(isAlive(pid)).toBe(false);
    // Its word that it is done, so an operator knows the exit was clean.
    await gateway.closed;
    expect(records().some((record) => /^shutdown complete in \d+ ms$/.test(String(record.msg)))).toBe(true);
    expect(records().some((record) => /waiting for|shutdown_timeout reached/.test(String(record.msg)))).toBe(false);
  });
});
