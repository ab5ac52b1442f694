// Idle stdio backends hibernate (process gone, catalog kept, search still works) and come back on the next call;
// health-check pings feed the breaker and /health, and a stdio backend that stops answering them is restarted.
import { afterAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BackendRegistry } from '@gateway/backends';
import { faultStdioCommand } from './helpers/fault.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { sampleValue } from './helpers/prometheus-text.js';
import { isAlive, killPid, waitFor } from './helpers/processes.js';
import { circuitOf, health, invoke, scrape } from './helpers/resilience.js';

jest.setTimeout(40_000);

const IDLE_MS = 600;
const gateways: TestGateway[] = [];
const clients: Client[] = [];
const stoppedPids: number[] = [];

afterAll(async () => {
  for (const pid of stoppedPids) if (isAlive(pid)) killPid(pid, 'SIGCONT');
  await Promise.allSettled(clients.map((client) => client.close()));
  for (const gateway of gateways) expect(await closeAndReap(gateway)).toEqual([]);
});

async function start(tree: Record<string, unknown>, ready: string[]) {
  const gateway = await startTestGateway(tree, { ready });
  gateways.push(gateway);
  const client = await connectClient(`${gateway.baseUrl}/mcp`);
  clients.push(client);
  return { gateway, client, registry: gateway.app.get(BackendRegistry) };
}

describe('hibernation', () => {
  it('stops an idle stdio backend, keeps its tools searchable, and starts it again on the next call', async () => {
    const { gateway, client, registry } = await start(
      {
        failsafe: { health_check: { enabled: false } },
        backends: {
          sleepy: stdioBackend(faultStdioCommand(), { idle_timeout: `${IDLE_MS}ms` }),
          awake: stdioBackend(faultStdioCommand()),
        },
      },
      // Not sleepy: on a loaded machine it may go idle for 600 ms, and hibernate, before awake is ready.
      ['awake'],
    );
    const sleepy = registry.get('sleepy');
    // Its first process, unless it has already hibernated (then the metric below still counts it).
    const firstPid = sleepy.pid;
    await waitFor(
      async () => {
        const backend = (await health(gateway)).backends.sleepy;
        return backend.state === 'hibernating' && backend.tools_cached > 0;
      },
      { description: 'sleepy hibernating on /health, its tools cached' },
    );
    if (firstPid !== undefined) {
      await waitFor(() => !isAlive(firstPid), { timeoutMs: 5000, description: 'the idle backend process to exit' });
    }
    expect(sleepy.pid).toBeUndefined();
    const summary = await health(gateway);
    expect(summary.status).toBe('healthy');
    expect(summary.backends.sleepy).toMatchObject({
      running: false,
      state: 'hibernating',
      tools_cached: expect.any(Number),
    });
    expect(summary.backends.sleepy.tools_cached).toBeGreaterThan(0);
    expect(registry.get('awake').state).toBe('ready'); // idle_timeout 0: never hibernates

    const found = (await client.callTool({
      name: 'gateway_search_tools',
      arguments: { query: 'read-only crashes flaky', server: 'sleepy' },
    })) as CallToolResult;
    const matches = (found.structuredContent as { matches: Array<{ server: string; tool: string }> }).matches;
    expect(matches.map((match) => match.tool)).toContain('flaky_read');
    expect(sleepy.state).toBe('hibernating'); // searching does not wake it
    expect(sleepy.pid).toBeUndefined();

    let metrics = await scrape(gateway);
    expect(sampleValue(metrics, 'mcp_gateway_backend_hibernations_total', { backend: 'sleepy' })).toBe(1);
    expect(sampleValue(metrics, 'mcp_gateway_backend_up', { backend: 'sleepy' })).toBe(0);

    const woken = await invoke(client, 'sleepy', 'echo', { message: 'good morning' });
    expect(woken).toMatchObject({ isError: false, text: 'good morning' });
    expect(sleepy.state).toBe('ready');
    expect(sleepy.pid).toBeGreaterThan(0);
    expect(sleepy.pid).not.toBe(firstPid);
    expect(sleepy.status().restarts).toBe(0); // waking is not a restart
    metrics = await scrape(gateway);
    expect(sampleValue(metrics, 'mcp_gateway_backend_up', { backend: 'sleepy' })).toBe(1);
    expect(sampleValue(metrics, 'mcp_gateway_backend_restarts_total', { backend: 'sleepy' })).toBe(0);
  });

  it('never stops a backend while a request is in flight', async () => {
    const { client, registry } = await start(
      {
        failsafe: { health_check: { enabled: false } },
        backends: { sleepy: stdioBackend(faultStdioCommand(), { idle_timeout: `${IDLE_MS}ms` }) },
      },
      ['sleepy'],
    );
    const backend = registry.get('sleepy');
    const pid = backend.pid!;
    const result = await invoke(client, 'sleepy', 'slow', { ms: IDLE_MS * 3 });
    expect(result).toMatchObject({ isError: false, text: `done after ${IDLE_MS * 3}ms` });
    expect(isAlive(pid)).toBe(true);
    expect(backend.pid).toBe(pid);
    await waitFor(() => !isAlive(pid), { timeoutMs: 5000, description: 'hibernation once idle' });
  });
});

describe('health checks', () => {
  it('pings feed the breaker and /health; a stdio backend that stops answering is restarted', async () => {
    const { gateway, client, registry } = await start(
      {
        failsafe: {
          health_check: { interval: '150ms', timeout: '200ms' },
          circuit_breaker: { failure_threshold: 2, success_threshold: 1, reset_timeout: '500ms' },
        },
        backends: { frozen: stdioBackend(faultStdioCommand()), fine: stdioBackend(faultStdioCommand()) },
      },
      ['frozen', 'fine'],
    );
    const frozen = registry.get('frozen');
    const pid = frozen.pid!;
    await waitFor(
      async () =>
        sampleValue(await scrape(gateway), 'mcp_gateway_health_checks_total', { backend: 'frozen', outcome: 'ok' }) > 0,
      { description: 'a successful ping' },
    );

    stoppedPids.push(pid);
    killPid(pid, 'SIGSTOP'); // alive but answering nothing
    await waitFor(async () => (await circuitOf(gateway, 'frozen')) === 'open', {
      description: 'pings to open the circuit',
    });
    const rejected = await invoke(client, 'frozen', 'echo', { message: 'hello?' });
    expect(rejected.text).toMatch(
      /^Server frozen is unavailable: its circuit breaker opened after 2 consecutive failures/,
    );

    // After two unanswered pings the process is ended and the registry starts a new one.
    await waitFor(() => frozen.state === 'ready' && frozen.pid !== pid, {
      timeoutMs: 15_000,
      description: 'the frozen backend restarted',
    });
    // The old group got SIGTERM, pending while it is stopped, then SIGKILL after the grace period.
    await waitFor(() => !isAlive(pid), { timeoutMs: 5000, description: 'the frozen process to be gone' });
    // A ping is the trial request after reset_timeout: the circuit closes without any client traffic.
    await waitFor(async () => (await circuitOf(gateway, 'frozen')) === 'closed', {
      timeoutMs: 5000,
      description: 'the circuit closed by pings',
    });
    expect(await invoke(client, 'frozen', 'echo', { message: 'thawed' })).toMatchObject({
      isError: false,
      text: 'thawed',
    });

    const metrics = await scrape(gateway);
    expect(
      sampleValue(metrics, 'mcp_gateway_health_checks_total', { backend: 'frozen', outcome: 'failure' }),
    ).toBeGreaterThanOrEqual(2);
    expect(sampleValue(metrics, 'mcp_gateway_backend_restarts_total', { backend: 'frozen' })).toBe(1);
    expect(
      sampleValue(metrics, 'mcp_gateway_circuit_transitions_total', {
        backend: 'frozen',
        from: 'half_open',
        to: 'closed',
      }),
    ).toBe(1);
    expect(sampleValue(metrics, 'mcp_gateway_health_checks_total', { backend: 'fine', outcome: 'failure' })).toBe(0);
    expect(await circuitOf(gateway, 'fine')).toBe('closed');
  });
});
