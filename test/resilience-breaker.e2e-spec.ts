// The circuit breaker against a real fault-server backend: transport failures (timeouts of a hanging tool) open
// it, calls then fail fast naming the backend and when it is tried again, it half-opens after reset_timeout and
// closes after success_threshold successes; JSON-RPC errors never trip it. /health and /metrics show each state.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { faultStdioCommand, readCallLog } from './helpers/fault.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { sampleValue } from './helpers/prometheus-text.js';
import { waitFor } from './helpers/processes.js';
import { circuitOf, invoke, scrape } from './helpers/resilience.js';

jest.setTimeout(30_000);

const RESET_MS = 600;
const TIMEOUT_MS = 300;

let gateway: TestGateway;
let client: Client;
let direct: Client;
let dir: string;
let callLog: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'resilience-breaker-'));
  callLog = join(dir, 'calls.log');
  gateway = await startTestGateway(
    {
      failsafe: {
        circuit_breaker: { failure_threshold: 3, success_threshold: 2, reset_timeout: `${RESET_MS}ms` },
        retry: { initial_backoff: '10ms', max_backoff: '50ms' },
        health_check: { enabled: false },
      },
      backends: {
        fault: stdioBackend(faultStdioCommand(), { timeout: `${TIMEOUT_MS}ms`, env: { FAULT_CALL_LOG: callLog } }),
        other: stdioBackend(faultStdioCommand(), { env: { FAULT_NAME: 'other' } }),
      },
    },
    { ready: ['fault', 'other'] },
  );
  client = await connectClient(`${gateway.baseUrl}/mcp`);
  direct = await connectClient(`${gateway.baseUrl}/mcp/fault`);
});

afterAll(async () => {
  await client?.close();
  await direct?.close();
  if (gateway) expect(await closeAndReap(gateway)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

async function openTheCircuit(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    const hung = await invoke(client, 'fault', 'hang');
    expect(hung.isError).toBe(true);
    expect(hung.text).toBe(
      `Server fault did not answer tools/call within ${TIMEOUT_MS}ms; the request was cancelled at the server.`,
    );
  }
}

describe('circuit breaker', () => {
  it('JSON-RPC errors and tool errors are the backend working: they never trip it', async () => {
    for (let i = 0; i < 5; i++) {
      const thrown = await invoke(client, 'fault', 'throw', { message: `boom ${i}` });
      expect(thrown.isError).toBe(true);
      expect(thrown.text).toContain(`boom ${i}`);
      expect((await invoke(client, 'fault', 'fail', { message: 'tool says no' })).text).toBe('tool says no');
    }
    expect(await circuitOf(gateway, 'fault')).toBe('closed');
    const metrics = await scrape(gateway);
    expect(sampleValue(metrics, 'mcp_gateway_circuit_state', { backend: 'fault' })).toBe(0);
    expect(
      sampleValue(metrics, 'mcp_gateway_backend_requests_total', {
        backend: 'fault',
        method: 'tools/call',
        outcome: 'error',
      }),
    ).toBe(5);
    expect(
      sampleValue(metrics, 'mcp_gateway_tool_invocations_total', {
        backend: 'fault',
        tool: 'fail',
        outcome: 'tool_error',
      }),
    ).toBe(5);
  });

  it('opens after failure_threshold timeouts, each cancelled at the backend', async () => {
    await openTheCircuit();
    expect(await circuitOf(gateway, 'fault')).toBe('open');
    await waitFor(() => readCallLog(callLog).filter((line) => line === 'cancelled hang').length === 3, {
      description: 'three `cancelled hang` lines in the call log',
    });
    const metrics = await scrape(gateway);
    expect(sampleValue(metrics, 'mcp_gateway_circuit_state', { backend: 'fault' })).toBe(2);
    expect(
      sampleValue(metrics, 'mcp_gateway_circuit_transitions_total', { backend: 'fault', from: 'closed', to: 'open' }),
    ).toBe(1);
    expect(
      sampleValue(metrics, 'mcp_gateway_backend_requests_total', {
        backend: 'fault',
        method: 'tools/call',
        outcome: 'timeout',
      }),
    ).toBe(3);
  });

  it('while open, calls fail at once naming the backend and when it is tried again; other backends answer', async () => {
    const callsBefore = readCallLog(callLog).length;
    const rejected = await invoke(client, 'fault', 'echo', { message: 'anyone?' });
    expect(rejected.isError).toBe(true);
    expect(rejected.text).toMatch(
      /^Server fault is unavailable: its circuit breaker opened after 3 consecutive failures \(last: did not answer tools\/call within 300ms; the request was cancelled at the server\); the gateway tries it again in \d+ms \(at \d{4}-\d\d-\d\dT[\d:.]+Z\)\. Use another server meanwhile\.$/,
    );

    // The direct route answers with a JSON-RPC error carrying the same facts.
    const error = await direct.callTool({ name: 'echo', arguments: { message: 'direct' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).message).toMatch(
      /backend "fault" is unavailable: its circuit breaker opened .* tries it again in \d+ms/,
    );
    expect((error as McpError).data).toMatchObject({ backend: 'fault', retry_after_ms: expect.any(Number) });

    expect(readCallLog(callLog).length).toBe(callsBefore); // nothing reached the backend
    const other = await invoke(client, 'other', 'echo', { message: 'still here' });
    expect(other).toMatchObject({ isError: false, text: 'still here' });
    expect(await circuitOf(gateway, 'other')).toBe('closed');
    const metrics = await scrape(gateway);
    expect(
      sampleValue(metrics, 'mcp_gateway_tool_invocations_total', {
        backend: 'fault',
        tool: 'echo',
        outcome: 'rejected',
      }),
    ).toBe(2);
    // Refused by the breaker without waiting on the backend (no wall-clock bound: the machine may be loaded).
    expect(
      sampleValue(metrics, 'mcp_gateway_backend_requests_total', {
        backend: 'fault',
        method: 'tools/call',
        outcome: 'circuit_open',
      }),
    ).toBe(2);
  });

  it('half-opens after reset_timeout and closes after success_threshold successes', async () => {
    await new Promise((resolve) => setTimeout(resolve, RESET_MS + 50));
    expect((await invoke(client, 'fault', 'echo', { message: 'probe' })).text).toBe('probe');
    expect(await circuitOf(gateway, 'fault')).toBe('half_open');
    expect(sampleValue(await scrape(gateway), 'mcp_gateway_circuit_state', { backend: 'fault' })).toBe(1);

    expect((await invoke(client, 'fault', 'echo', { message: 'second' })).text).toBe('second');
    expect(await circuitOf(gateway, 'fault')).toBe('closed');
    const metrics = await scrape(gateway);
    expect(sampleValue(metrics, 'mcp_gateway_circuit_state', { backend: 'fault' })).toBe(0);
    expect(
      sampleValue(metrics, 'mcp_gateway_circuit_transitions_total', {
        backend: 'fault',
        from: 'open',
        to: 'half_open',
      }),
    ).toBe(1);
    expect(
      sampleValue(metrics, 'mcp_gateway_circuit_transitions_total', {
        backend: 'fault',
        from: 'half_open',
        to: 'closed',
      }),
    ).toBe(1);
  });

  it('a failure while half-open reopens it at once', async () => {
    await openTheCircuit();
    await new Promise((resolve) => setTimeout(resolve, RESET_MS + 50));
    expect((await invoke(client, 'fault', 'echo', { message: 'probe' })).text).toBe('probe');
    expect(await circuitOf(gateway, 'fault')).toBe('half_open');
    await invoke(client, 'fault', 'hang');
    expect(await circuitOf(gateway, 'fault')).toBe('open');
    const rejected = await invoke(client, 'fault', 'echo', { message: 'again?' });
    expect(rejected.text).toContain('its circuit breaker reopened when a trial request failed');
    const metrics = await scrape(gateway);
    expect(
      sampleValue(metrics, 'mcp_gateway_circuit_transitions_total', {
        backend: 'fault',
        from: 'half_open',
        to: 'open',
      }),
    ).toBe(1);
  });
});
