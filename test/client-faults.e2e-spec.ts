// What one client's bad requests must not do: open a backend's breaker for everyone (arguments nested absurdly
// deep), hold a connection forever (a body that stops half-way), leave a stream and its timer behind (a second
// request under an id still in flight), or hold the event loop (a huge search query).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { SessionRegistry } from '@gateway/meta-mcp';
import { faultStdioCommand } from './helpers/fault.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { mcpPostHeaders, rawRequest } from './helpers/raw-http.js';
import { expectJsonRpcError, openRawSession, sessionHeaders } from './helpers/raw-session.js';
import { waitFor } from './helpers/processes.js';
import { circuitOf, health, invoke } from './helpers/resilience.js';

jest.setTimeout(30_000);

let gateway: TestGateway;
let meta: Client;

beforeAll(async () => {
  gateway = await startTestGateway(
    {
      server: { body_timeout: '500ms' },
      failsafe: { circuit_breaker: { failure_threshold: 2 }, health_check: { enabled: false } },
      backends: { fault: stdioBackend(faultStdioCommand()) },
    },
    { ready: ['fault'] },
  );
  meta = await connectClient(`${gateway.baseUrl}/mcp`);
});

afterAll(async () => {
  await meta?.close();
  if (gateway) expect(await closeAndReap(gateway)).toEqual([]);
});

/** `{"a":{"a":...1...}}`, `depth` objects deep, as text (the client side never has to serialize it). */
function nested(depth: number): string {
  return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
}

function toolCall(id: number, name: string, argumentsJson: string): string {
  return `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"${name}","arguments":${argumentsJson}}}`;
}

describe('arguments nested absurdly deep are the client’s error, never the backend’s', () => {
  it('are refused with -32600 at once on /mcp/fault and /mcp; the breaker stays closed and calls succeed', async () => {
    const direct = `${gateway.baseUrl}/mcp/fault`;
    const session = await openRawSession(direct);
    const metaSession = await openRawSession(`${gateway.baseUrl}/mcp`);
    for (let i = 0; i < 4; i++) {
      const deep = `{"message":"x","extra":${nested(5000)}}`;
      const onDirect = await rawRequest(direct, {
        headers: sessionHeaders(session),
        body: toolCall(10 + i, 'echo', deep),
      });
      expect(expectJsonRpcError(onDirect, 400, -32600)).toContain('deeper than 128 levels');
      expect(onDirect.json!.id).toBe(10 + i);
      const invokeArgs = `{"server":"fault","tool":"echo","arguments":${deep}}`;
      const onMeta = await rawRequest(`${gateway.baseUrl}/mcp`, {
        headers: sessionHeaders(metaSession),
        body: toolCall(20 + i, 'gateway_invoke', invokeArgs),
      });
      expect(expectJsonRpcError(onMeta, 400, -32600)).toContain('deeper than 128 levels');
    }
    expect(await circuitOf(gateway, 'fault')).toBe('closed');
    expect((await health(gateway)).backends.fault?.state).toBe('ready');
    const fine = await rawRequest(direct, {
      headers: sessionHeaders(session),
      body: toolCall(99, 'echo', '{"message":"still here"}'),
    });
    expect(fine.status).toBe(200);
    expect(fine.text).toContain('still here');
    expect(await invoke(meta, 'fault', 'echo', { message: 'fine' })).toMatchObject({ isError: false, text: 'fine' });
  });

  it('nesting up to the limit is served', async () => {
    const session = await openRawSession(`${gateway.baseUrl}/mcp/fault`);
    // 3 levels of envelope (message, params, arguments) + 125 = 128.
    const args = `{"message":"deep enough","extra":${nested(124)}}`;
    const response = await rawRequest(`${gateway.baseUrl}/mcp/fault`, {
      headers: sessionHeaders(session),
      body: toolCall(1, 'echo', args),
    });
    expect(response.status).toBe(200);
    expect(response.text).toContain('deep enough');
  });
});

describe('server.body_timeout (500ms here)', () => {
  const halfBodies: Array<[string, Record<string, string>]> = [
    ['a body shorter than its Content-Length', { 'content-length': '1000' }],
    ['a chunked body that never ends', { 'transfer-encoding': 'chunked' }],
  ];
  it.each(halfBodies)('%s gets 408 with a JSON-RPC error and its connection closed', async (_name, headers) => {
    const started = performance.now();
    const response = await rawRequest(`${gateway.baseUrl}/mcp/fault`, {
      headers: mcpPostHeaders(headers),
      write: (req) => req.write('{"jsonrpc":"2.0","id":1,"method":"initi'),
    });
    expect(expectJsonRpcError(response, 408)).toContain('server.body_timeout');
    expect(response.headers.connection).toBe('close');
    expect(performance.now() - started).toBeGreaterThanOrEqual(400);
  });
});

describe('a second request under an id still in flight', () => {
  it('is refused with -32600; the first completes and nothing stays behind', async () => {
    const url = `${gateway.baseUrl}/mcp/fault`;
    const session = await openRawSession(url);
    const slow = toolCall(7, 'slow', '{"ms":600}');
    const first = rawRequest(url, { headers: sessionHeaders(session), body: slow });
    const transport = gateway.app.get(SessionRegistry).get(session)!.transport;
    await waitFor(() => transport.inFlight === 1, { intervalMs: 5, description: 'the first request in flight' });
    const duplicate = await rawRequest(url, {
      headers: sessionHeaders(session),
      body: toolCall(7, 'echo', '{"message":"again"}'),
    });
    expect(expectJsonRpcError(duplicate, 400, -32600)).toContain('id 7 is already in flight');
    expect(duplicate.json!.id).toBe(7);
    const answered = await first;
    expect(answered.status).toBe(200);
    expect(answered.text).toContain('done after 600ms');
    expect(answered.text).not.toContain('again');
    expect(transport.inFlight).toBe(0);
    // The id is free again once its request is done.
    const reused = await rawRequest(url, {
      headers: sessionHeaders(session),
      body: toolCall(7, 'echo', '{"message":"again"}'),
    });
    expect(reused.status).toBe(200);
    expect(reused.text).toContain('again');
  });
});

describe('gateway_search_tools query length', () => {
  it('refuses a query over 1000 characters with -32602 and serves one of 1000', async () => {
    const error = await meta
      .callTool({ name: 'gateway_search_tools', arguments: { query: 'echo '.repeat(700_000) } })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).code).toBe(-32602);
    expect((error as McpError).message).toContain('must NOT have more than 1000 characters');
    const result = (await meta.callTool({
      name: 'gateway_search_tools',
      arguments: { query: `echo ${'x'.repeat(995)}` },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(firstText(result)).toContain('"query"');
  });
});
