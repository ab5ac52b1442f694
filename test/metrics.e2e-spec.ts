// GET /metrics of the real gateway: valid Prometheus text, every promised family, counters that move exactly as
// the calls made, and labels that stay bounded (no session ids, no client-chosen tool names or methods).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { faultStdioCommand } from './helpers/fault.js';
import {
  closeAndReap,
  connectClient,
  httpTransportOf,
  postJsonRpc,
  startTestGateway,
  type TestGateway,
} from './helpers/gateway.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { sampleValue, type MetricFamily } from './helpers/prometheus-text.js';
import { waitFor } from './helpers/processes.js';
import { invoke, scrape } from './helpers/resilience.js';

jest.setTimeout(30_000);

let gateway: TestGateway;
let client: Client;

beforeAll(async () => {
  gateway = await startTestGateway(
    { failsafe: { health_check: { interval: '200ms' } }, backends: { fault: stdioBackend(faultStdioCommand()) } },
    { ready: ['fault'] },
  );
  client = await connectClient(`${gateway.baseUrl}/mcp`);
});

afterAll(async () => {
  await client?.close();
  if (gateway) expect(await closeAndReap(gateway)).toEqual([]);
});

const FAMILIES: Record<string, MetricFamily['type']> = {
  mcp_gateway_backend_requests_total: 'counter',
  mcp_gateway_backend_request_duration_seconds: 'histogram',
  mcp_gateway_tool_invocations_total: 'counter',
  mcp_gateway_circuit_state: 'gauge',
  mcp_gateway_circuit_transitions_total: 'counter',
  mcp_gateway_retries_total: 'counter',
  mcp_gateway_rate_limit_rejections_total: 'counter',
  mcp_gateway_active_sessions: 'gauge',
  mcp_gateway_open_sse_streams: 'gauge',
  mcp_gateway_backend_up: 'gauge',
  mcp_gateway_backend_restarts_total: 'counter',
  mcp_gateway_backend_hibernations_total: 'counter',
  mcp_gateway_backend_active_requests: 'gauge',
  mcp_gateway_backend_queued_requests: 'gauge',
  mcp_gateway_health_checks_total: 'counter',
  mcp_gateway_search_duration_seconds: 'histogram',
  process_cpu_user_seconds_total: 'counter',
};

const okCalls = (metrics: Map<string, MetricFamily>) =>
  sampleValue(metrics, 'mcp_gateway_backend_requests_total', { backend: 'fault', method: 'tools/call', outcome: 'ok' });
const okSeconds = (metrics: Map<string, MetricFamily>) =>
  sampleValue(metrics, 'mcp_gateway_backend_request_duration_seconds_count', {
    backend: 'fault',
    method: 'tools/call',
    outcome: 'ok',
  });

describe('GET /metrics', () => {
  it('is Prometheus text with every promised family, typed and documented', async () => {
    const metrics = await scrape(gateway);
    for (const [name, type] of Object.entries(FAMILIES)) {
      expect({ name, type: metrics.get(name)?.type }).toEqual({ name, type });
      expect(metrics.get(name)?.help).not.toBe('');
    }
    expect(sampleValue(metrics, 'mcp_gateway_backend_up', { backend: 'fault' })).toBe(1);
    expect(sampleValue(metrics, 'mcp_gateway_circuit_state', { backend: 'fault' })).toBe(0);
  });

  it('counts each call once, with its duration, by backend, method, tool and outcome', async () => {
    const before = await scrape(gateway);
    for (let i = 0; i < 4; i++)
      expect((await invoke(client, 'fault', 'echo', { message: `m${i}` })).text).toBe(`m${i}`);
    await invoke(client, 'fault', 'fail', { message: 'nope' });
    await invoke(client, 'fault', 'throw', { message: 'bad' });
    const after = await scrape(gateway);

    expect(okCalls(after) - okCalls(before)).toBe(5); // 4 echo + fail (a tool error is an answer)
    expect(okSeconds(after) - okSeconds(before)).toBe(5);
    const tool = (m: Map<string, MetricFamily>, name: string, outcome: string) =>
      sampleValue(m, 'mcp_gateway_tool_invocations_total', { backend: 'fault', tool: name, outcome });
    expect(tool(after, 'echo', 'ok') - tool(before, 'echo', 'ok')).toBe(4);
    expect(tool(after, 'fail', 'tool_error') - tool(before, 'fail', 'tool_error')).toBe(1);
    expect(tool(after, 'throw', 'error') - tool(before, 'throw', 'error')).toBe(1);
  });

  it('times searches', async () => {
    const count = (m: Map<string, MetricFamily>) => sampleValue(m, 'mcp_gateway_search_duration_seconds_count');
    const before = count(await scrape(gateway));
    await client.callTool({ name: 'gateway_search_tools', arguments: { query: 'echo a message' } });
    await client.callTool({ name: 'gateway_search_tools', arguments: { query: 'add numbers' } });
    expect(count(await scrape(gateway)) - before).toBe(2);
  });

  it('counts health-check pings but not as client requests', async () => {
    await waitFor(
      async () =>
        sampleValue(await scrape(gateway), 'mcp_gateway_health_checks_total', { backend: 'fault', outcome: 'ok' }) >= 2,
      { description: 'two successful pings' },
    );
    const metrics = await scrape(gateway);
    expect(
      sampleValue(metrics, 'mcp_gateway_backend_requests_total', { backend: 'fault', method: 'ping', outcome: 'ok' }),
    ).toBe(0);
  });

  it('shows open sessions and SSE streams, and they go down when a client leaves', async () => {
    const second = await connectClient(`${gateway.baseUrl}/mcp/fault`);
    const sessions = async () => sampleValue(await scrape(gateway), 'mcp_gateway_active_sessions');
    const streams = async () => sampleValue(await scrape(gateway), 'mcp_gateway_open_sse_streams');
    expect(await sessions()).toBe(2);
    await waitFor(async () => (await streams()) === 2, { description: 'each client opened its GET stream' });
    await httpTransportOf(second).terminateSession();
    await second.close();
    await waitFor(async () => (await sessions()) === 1 && (await streams()) === 1, {
      description: 'session and stream gone after DELETE',
    });
  });

  it('keeps labels bounded: no session ids, unknown tools and methods share one label value', async () => {
    const direct = await connectClient(`${gateway.baseUrl}/mcp/fault`);
    try {
      await direct.callTool({ name: 'no_such_tool_8f3a', arguments: {} }).catch(() => undefined);
      // Raw, so the SDK client's stream handling plays no part: any method name a client makes up.
      await postJsonRpc(
        `${gateway.baseUrl}/mcp/fault`,
        { jsonrpc: '2.0', id: 77, method: 'custom/thing', params: {} },
        { 'mcp-session-id': httpTransportOf(direct).sessionId!, 'mcp-protocol-version': '2025-06-18' },
      );
      const text = await (await fetch(`${gateway.baseUrl}/metrics`)).text();
      expect(text).not.toContain('no_such_tool_8f3a');
      expect(text).not.toContain('custom/thing');
      expect(text).not.toContain(httpTransportOf(direct).sessionId!);
      expect(text).not.toContain(httpTransportOf(client).sessionId!);
      const metrics = await scrape(gateway);
      expect(
        sampleValue(metrics, 'mcp_gateway_tool_invocations_total', {
          backend: 'fault',
          tool: '_unknown',
          outcome: 'error',
        }),
      ).toBe(1);
      expect(
        sampleValue(metrics, 'mcp_gateway_backend_requests_total', {
          backend: 'fault',
          method: 'other',
          outcome: 'error',
        }),
      ).toBe(1);
    } finally {
      await direct.close();
    }
  });
});
