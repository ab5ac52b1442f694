import { afterEach, describe, expect, it } from '@jest/globals';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import type { JSONRPCMessage, JSONRPCRequest, Result } from '@modelcontextprotocol/sdk/types.js';
import { BackendConfig } from '@gateway/config';
import { Backend } from '../backend.js';
import type { DownstreamClient } from '../downstream-client.js';
import type { BackendConnector } from '../transports/backend-connector.js';

/** A modern-only server on an in-memory pipe: `ask` needs a sampling answer, given in a retry. */
function fakeModernServer() {
  const seen: JSONRPCRequest[] = [];
  const connector: BackendConnector = {
    kinds: ['stdio'],
    connect: async (request) => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      serverSide.onmessage = (message: JSONRPCMessage) => {
        if (!('method' in message) || !('id' in message)) return;
        seen.push(message);
        const reply = (result: Result) => void serverSide.send({ jsonrpc: '2.0', id: message.id, result });
        const params = message.params as Record<string, unknown> & { inputResponses?: { reply?: unknown } };
        if (message.method === 'server/discover') {
          reply({
            supportedVersions: ['2026-07-28'],
            capabilities: { tools: {}, resources: { subscribe: true } },
            _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'fake-modern', version: '1' } },
          });
        } else if (message.method === 'tools/list') {
          reply({ tools: [{ name: 'ask', inputSchema: { type: 'object' } }] });
        } else if (message.method === 'tools/call' && params.inputResponses?.reply) {
          reply({ content: [{ type: 'text', text: `got ${JSON.stringify(params.inputResponses.reply)}` }] });
        } else if (message.method === 'tools/call') {
          reply({
            resultType: 'input_required',
            inputRequests: { reply: { method: 'sampling/createMessage', params: { messages: [], maxTokens: 1 } } },
            requestState: 'state-1',
          });
        } else {
          void serverSide.send({ jsonrpc: '2.0', id: message.id, error: { code: -32601, message: 'no' } });
        }
      };
      await serverSide.start();
      const client = request.createClient({ protocol: request.protocol ?? request.config.protocol });
      await client.connect(clientSide);
      return { client, transport: clientSide, kind: 'stdio', close: () => client.close() };
    },
  };
  return { seen, connector };
}

function downstream(era: 'legacy' | 'modern', answers: Result[] = []): DownstreamClient & { asked: string[] } {
  const asked: string[] = [];
  return {
    sessionId: `${era}-1`,
    era,
    capabilities: { sampling: {} },
    asked,
    request: (method) => {
      asked.push(method);
      return Promise.resolve(answers.shift()!);
    },
    notify: () => Promise.resolve(),
    onClose: () => undefined,
  };
}

const backends: Backend[] = [];

async function modernBackend() {
  const server = fakeModernServer();
  const config = Object.assign(new BackendConfig(), { command: 'fake', argv: ['fake'] });
  const backend = new Backend('fake', config, {
    connector: server.connector,
    clientInfo: { name: 'gateway', version: '1' },
    requestTimeoutMs: 5000,
    connectTimeoutMs: 5000,
    maxRequestDurationMs: 60_000,
    catalogTtlMs: 60_000,
    cacheTools: true,
  });
  backends.push(backend);
  await backend.start();
  return { backend, seen: server.seen };
}

afterEach(async () => {
  await Promise.all(backends.splice(0).map((backend) => backend.stop()));
});

describe('a modern backend behind Backend', () => {
  it('is detected modern, shows 2026-07-28, and sends the per-request envelope', async () => {
    const { backend, seen } = await modernBackend();
    expect(backend.era).toBe('modern');
    expect(backend.status()).toMatchObject({ protocol: '2026-07-28', server: { name: 'fake-modern', version: '1' } });
    await backend.request('tools/list', undefined);
    const meta = seen.find((request) => request.method === 'tools/list')?.params?._meta;
    expect(meta).toMatchObject({
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'gateway', version: '1' },
    });
  });

  it("bridges input_required for a legacy client: one ordinary result, the client's capabilities declared", async () => {
    const { backend, seen } = await modernBackend();
    const client = downstream('legacy', [{ role: 'assistant', model: 'm', content: { type: 'text', text: 'hi' } }]);
    expect(backend.wantsOwnConnection(client)).toBe(false);
    const result = await backend.request('tools/call', { name: 'ask', arguments: {} }, {}, client);
    expect(result.content).toEqual([{ type: 'text', text: expect.stringContaining('got {"role":"assistant"') }]);
    expect(client.asked).toEqual(['sampling/createMessage']);
    const calls = seen.filter((request) => request.method === 'tools/call');
    expect(calls).toHaveLength(2);
    expect(calls[0].params?._meta).toMatchObject({ 'io.modelcontextprotocol/clientCapabilities': { sampling: {} } });
    expect(calls[1].params).toMatchObject({ requestState: 'state-1', inputResponses: { reply: { model: 'm' } } });
  });

  it('passes input_required through to a modern client untouched, and its retry to the backend as is', async () => {
    const { backend, seen } = await modernBackend();
    const client = downstream('modern');
    const first = await backend.request('tools/call', { name: 'ask', arguments: {} }, {}, client);
    expect(first).toMatchObject({ resultType: 'input_required', requestState: 'state-1' });
    expect(client.asked).toEqual([]);
    const retried = { name: 'ask', arguments: {}, inputResponses: { reply: { x: 1 } }, requestState: 'state-1' };
    expect((await backend.request('tools/call', retried, {}, client)).content).toEqual([
      { type: 'text', text: 'got {"x":1}' },
    ]);
    expect(seen.filter((request) => request.method === 'tools/call')[1].params).toMatchObject(retried);
  });

  it('keeps resource subscriptions and the log level itself: nothing is sent for them', async () => {
    const { backend, seen } = await modernBackend();
    expect(await backend.request('resources/subscribe', { uri: 'x://y' })).toEqual({});
    expect(await backend.request('logging/setLevel', { level: 'debug' })).toEqual({});
    await backend.request('tools/list', undefined);
    expect(seen.map((request) => request.method)).not.toContain('resources/subscribe');
    expect(seen.map((request) => request.method)).not.toContain('logging/setLevel');
    const meta = seen.filter((request) => request.method === 'tools/list').at(-1)?.params?._meta;
    expect(meta).toMatchObject({ 'io.modelcontextprotocol/logLevel': 'debug' });
  });

  it("refuses a legacy client's task clearly: 2026-07-28 tasks are an extension the gateway does not bridge", async () => {
    const { backend, seen } = await modernBackend();
    const client = downstream('legacy');
    const task = { name: 'ask', arguments: {}, task: { ttl: 1000 } };
    await expect(backend.request('tools/call', task, {}, client)).rejects.toThrow(
      'backend "fake" speaks MCP 2026-07-28, whose tasks (the io.modelcontextprotocol/tasks extension) the gateway does not bridge',
    );
    await expect(backend.request('tasks/get', { taskId: 't' }, {}, client)).rejects.toThrow('does not bridge');
    expect(seen.map((request) => request.method)).not.toContain('tasks/get');
  });
});
