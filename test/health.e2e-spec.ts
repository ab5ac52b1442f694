// /health, /health/live and /health/ready of the real gateway, over real HTTP, with real backends up and down.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { BackendRegistry } from '@gateway/backends';
import type { GatewayHealth } from '@gateway/health';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { faultStdioCommand } from './helpers/fault.js';
import { startTestGateway, type RunningGateway } from './helpers/gateway-app.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { freePort, isAlive, waitFor } from './helpers/processes.js';

jest.setTimeout(30_000);

const gateways: RunningGateway[] = [];
const backendPids: number[] = [];
let deadPort: number;

beforeAll(async () => {
  deadPort = await freePort();
});

/** Closes every gateway a test started and checks that none of its backend processes survived. */
afterEach(async () => {
  await Promise.allSettled(gateways.splice(0).map((gateway) => gateway.close()));
  for (const pid of backendPids.splice(0)) expect(isAlive(pid)).toBe(false);
});

afterAll(async () => {
  await Promise.allSettled(gateways.map((gateway) => gateway.close()));
});

async function start(backends: Record<string, unknown>): Promise<RunningGateway> {
  const gateway = await startTestGateway({ server: { request_timeout: '10s' }, backends });
  gateways.push(gateway);
  return gateway;
}

/** Polls GET /health until `predicate` holds for its body; returns the last response. */
async function healthWhen(gateway: RunningGateway, predicate: (health: GatewayHealth) => boolean) {
  return waitFor(
    async () => {
      const response = await gateway.get('/health');
      return predicate(response.body as GatewayHealth) ? response : undefined;
    },
    { timeoutMs: 20_000, intervalMs: 100, description: 'expected /health state' },
  );
}

function rememberPids(gateway: RunningGateway, names: string[]): void {
  const registry = gateway.app.get(BackendRegistry);
  for (const name of names) {
    const pid = registry.get(name).pid;
    if (pid) backendPids.push(pid);
  }
}

const deadUrl = () => `http://127.0.0.1:${deadPort}/mcp`;

describe('GET /health', () => {
  it('is healthy (200) when every backend is ready', async () => {
    const gateway = await start({
      everything: stdioBackend(everythingStdioCommand()),
      fault: stdioBackend(faultStdioCommand()),
    });
    const { status, body } = await healthWhen(gateway, (health) => health.status === 'healthy');
    rememberPids(gateway, ['everything', 'fault']);
    expect(status).toBe(200);
    const health = body as GatewayHealth;
    expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(typeof health.uptime_s).toBe('number');
    expect(Object.keys(health.backends).sort()).toEqual(['everything', 'fault']);
    expect(health.backends.fault).toEqual({
      name: 'fault',
      state: 'ready',
      running: true,
      transport: 'stdio',
      tools_cached: expect.any(Number),
      circuit_state: 'closed',
      request_count: expect.any(Number),
      protocol: '2025-11-25',
    });
    expect(health.backends.everything.state).toBe('ready');

    const ready = await gateway.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      info: { backends: { status: 'up', ready_backends: 2, backends: 2, draining: false } },
    });
    expect((await gateway.get('/health/live')).status).toBe(200);
  });

  it('is degraded (200) with one backend up and one down; ready stays 200', async () => {
    const gateway = await start({
      up: stdioBackend(faultStdioCommand()),
      down: { http_url: deadUrl() },
    });
    const { status, body } = await healthWhen(
      gateway,
      (health) => health.backends.up?.running && health.backends.down?.state === 'failed',
    );
    rememberPids(gateway, ['up']);
    expect(status).toBe(200);
    const health = body as GatewayHealth;
    expect(health.status).toBe('degraded');
    expect(health.backends.down).toMatchObject({ state: 'failed', running: false, transport: 'streamable_http|sse' });
    expect(health.backends.down.last_error).toBeTruthy();

    const ready = await gateway.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ info: { backends: { status: 'up', ready_backends: 1, backends: 2 } } });
  });

  it('is unhealthy (503) with every backend down; ready is 503 and live is 200', async () => {
    const gateway = await start({
      first: { http_url: deadUrl() },
      second: { http_url: deadUrl().replace('/mcp', '/sse'), transport: 'sse' },
    });
    const { status, body } = await healthWhen(gateway, (health) =>
      Object.values(health.backends).every((backend) => backend.state === 'failed'),
    );
    expect(status).toBe(503);
    expect((body as GatewayHealth).status).toBe('unhealthy');

    const ready = await gateway.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({
      status: 'error',
      error: { backends: { status: 'down', ready_backends: 0, backends: 2 } },
    });

    const live = await gateway.get('/health/live');
    expect(live.status).toBe(200);
    expect(live.body).toMatchObject({ status: 'ok' });
  });

  it('is unhealthy and not ready with no backends configured: it has nothing to serve', async () => {
    const gateway = await start({});
    const { status, body } = await healthWhen(gateway, () => true);
    expect(status).toBe(503);
    expect(body).toMatchObject({ status: 'unhealthy', backends: {} });
    const ready = await gateway.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ error: { backends: { status: 'down', ready_backends: 0, backends: 0 } } });
    expect((await gateway.get('/health/live')).status).toBe(200);
  });
});

describe('secrets never reach /health', () => {
  const apiToken = 's3cr3t-value-123';
  const bearer = 'tok-987654321';

  it('redacts env and header values, even where an error text carries them', async () => {
    const gateway = await start({
      // Up, with a secret in its env.
      with_env: stdioBackend(faultStdioCommand(), { env: { API_TOKEN: apiToken } }),
      // Down, with a bearer token in its headers and in its URL (where a connection error may echo it).
      with_header: {
        http_url: `http://127.0.0.1:${deadPort}/mcp?access_token=${bearer}`,
        headers: { Authorization: `Bearer ${bearer}` },
      },
      // Cannot start, and its error names the executable, which contains the env secret.
      leaky: { command: `/nonexistent/${apiToken}/server`, env: { API_TOKEN: apiToken } },
    });
    const { text, body } = await healthWhen(
      gateway,
      (health) =>
        health.backends.with_env?.running &&
        health.backends.with_header?.state === 'failed' &&
        health.backends.leaky?.state === 'failed',
    );
    rememberPids(gateway, ['with_env']);
    const health = body as GatewayHealth;
    expect(health.status).toBe('degraded');
    // The redaction is real, not vacuous: the leaky backend's error did name the secret.
    expect(health.backends.leaky.last_error).toContain('/nonexistent/***/server');
    expect(health.backends.with_header.last_error).toBeTruthy();

    for (const path of ['/health', '/health/ready', '/health/live']) {
      const response = path === '/health' ? { text } : await gateway.get(path);
      expect(response.text).not.toContain(apiToken);
      expect(response.text).not.toContain(bearer);
      expect(response.text).not.toContain('Bearer');
    }
  });
});
