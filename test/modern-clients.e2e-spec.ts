// Issue 15: what a 2026-07-28 ("modern") client sees on /mcp and /mcp/{backend}, next to legacy sessions.
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client as ModernClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { BackendRegistry } from '@gateway/backends';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { faultStdioCommand } from './helpers/fault.js';
import { modernStdioCommand } from './helpers/modern-server.js';
import { connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { waitFor } from './helpers/processes.js';

jest.setTimeout(90_000);

const MODERN = '2026-07-28';
/** The HTTP headers of a raw 2026-07-28 tools/list. */
const LIST_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': MODERN,
  'mcp-method': 'tools/list',
};

type ModernCaps = NonNullable<ConstructorParameters<typeof ModernClient>[1]>['capabilities'];

/** An SDK 2.x client that speaks 2026-07-28 only (no initialize, no session). */
async function modernClient(url: string, capabilities: ModernCaps = {}): Promise<ModernClient> {
  const client = new ModernClient(
    { name: 'modern-e2e', version: '1.0.0' },
    { capabilities, versionNegotiation: { mode: { pin: MODERN } } },
  );
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

const envelope = {
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'raw', version: '1' },
  'io.modelcontextprotocol/clientCapabilities': {},
};

interface RawAnswer {
  status: number;
  /** The notifications sent before the answer (an SSE response). */
  notifications: Array<{ method: string; params?: Record<string, unknown> }>;
  body: { id?: unknown; result?: Record<string, unknown>; error?: { code: number; message: string; data?: unknown } };
}

/** A modern request by hand: headers as the spec wants them unless `headers` says otherwise. */
async function rawModern(
  url: string,
  method: string,
  params: Record<string, unknown>,
  headers: Record<string, string | undefined> = {},
): Promise<RawAnswer> {
  const name = (params.name ?? params.uri) as string | undefined;
  const sent: Record<string, string> = {
    'content-type': 'application/json',
    accept: 'application/json, text/event-stream',
    'mcp-protocol-version': MODERN,
    'mcp-method': method,
    ...(name ? { 'mcp-name': name } : {}),
  };
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) delete sent[key];
    else sent[key] = value;
  }
  const response = await fetch(url, {
    method: 'POST',
    headers: sent,
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 7,
      method,
      params: { ...params, _meta: { ...envelope, ...(params._meta as object) } },
    }),
  });
  const text = await response.text();
  const messages = text.startsWith('event:')
    ? text
        .split('\n')
        .filter((line) => line.startsWith('data: '))
        .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown>)
    : [JSON.parse(text) as Record<string, unknown>];
  const json = messages.at(-1);
  const notifications = messages.slice(0, -1) as RawAnswer['notifications'];
  return { status: response.status, body: json as RawAnswer['body'], notifications };
}

describe('modern (2026-07-28) clients through the gateway', () => {
  let gateway: TestGateway;
  let callLog: string;
  const clients: Array<{ close(): Promise<void> }> = [];
  const track = <T extends { close(): Promise<void> }>(client: T) => (clients.push(client), client);

  beforeAll(async () => {
    callLog = join(mkdtempSync(join(tmpdir(), 'modern-')), 'calls.log');
    gateway = await startTestGateway(
      {
        server: { input_required_timeout: '1500ms' },
        backends: {
          // Connections of modern clients that can answer callbacks close after 1 s unused here.
          everything: stdioBackend(everythingStdioCommand(), { client_connection_idle: '1s' }),
          fault: stdioBackend(faultStdioCommand(), { env: { FAULT_CALL_LOG: callLog } }),
        },
      },
      { ready: ['everything', 'fault'] },
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await gateway?.close();
  });

  it('server/discover on /mcp names the gateway and both eras; on /mcp/{backend} the backend itself', async () => {
    const gatewayAnswer = await rawModern(`${gateway.baseUrl}/mcp`, 'server/discover', {});
    expect(gatewayAnswer.status).toBe(200);
    const result = gatewayAnswer.body.result!;
    expect(result.resultType).toBe('complete');
    expect(result.supportedVersions).toEqual(expect.arrayContaining([MODERN, '2025-11-25']));
    expect((result._meta as Record<string, { name: string }>)['io.modelcontextprotocol/serverInfo'].name).toBe(
      'mcp-gateway',
    );

    const direct = await rawModern(`${gateway.baseUrl}/mcp/everything`, 'server/discover', {});
    const info = (direct.body.result!._meta as Record<string, { name: string }>)['io.modelcontextprotocol/serverInfo'];
    expect(info.name).not.toBe('mcp-gateway');
    expect(info.name).toMatch(/everything/i);
    expect(direct.body.result!.capabilities).toHaveProperty('tools');
  });

  it('an SDK 2.x client pinned to 2026-07-28 lists and calls tools on /mcp/{backend}, with progress', async () => {
    const client = track(await modernClient(`${gateway.baseUrl}/mcp/fault`));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('slow');
    const progress: number[] = [];
    const result = await client.callTool(
      { name: 'slow', arguments: { ms: 600, progress_every_ms: 100 } },
      { onprogress: (p) => void progress.push(p.progress) },
    );
    expect(firstText(result)).toBe('done after 600ms');
    expect(progress.length).toBeGreaterThan(0);
  });

  it('a call that has answered is not cancelled at the backend afterwards', async () => {
    const client = track(await modernClient(`${gateway.baseUrl}/mcp/fault`));
    const read = () => (existsSync(callLog) ? readFileSync(callLog, 'utf8') : '');
    const logged = read().length;
    for (const message of ['one', 'two', 'three']) {
      expect(firstText(await client.callTool({ name: 'echo', arguments: { message } }))).toBe(message);
    }
    // One stdio pipe, in order: a cancellation sent after the first two answers would be logged before the third call.
    const since = read().slice(logged);
    expect(since.split('\n').filter((line) => line === 'echo')).toHaveLength(3);
    expect(since).not.toContain('notified cancelled');
  });

  it('list and read results carry resultType, ttlMs and cacheScope', async () => {
    const listed = await rawModern(`${gateway.baseUrl}/mcp/fault`, 'tools/list', {});
    expect(listed.body.result).toMatchObject({ resultType: 'complete', cacheScope: 'public' });
    expect(typeof listed.body.result!.ttlMs).toBe('number');
    const meta = await rawModern(`${gateway.baseUrl}/mcp`, 'tools/list', {});
    expect(meta.body.result).toMatchObject({ resultType: 'complete', cacheScope: 'public' });
    expect((meta.body.result!.tools as Array<{ name: string }>).map((tool) => tool.name)).toContain('gateway_invoke');
    const called = await rawModern(`${gateway.baseUrl}/mcp/fault`, 'tools/call', {
      name: 'echo',
      arguments: { message: 'hi' },
    });
    expect(called.body.result).toMatchObject({ resultType: 'complete', content: [{ type: 'text', text: 'hi' }] });
  });

  it("log messages follow the request's own _meta log level, and none without one", async () => {
    const url = `${gateway.baseUrl}/mcp/fault`;
    const params = { name: 'flood', arguments: { count: 3 } };
    const quiet = await rawModern(url, 'tools/call', params);
    expect(firstText(quiet.body.result)).toBe('flooded 3');
    expect(quiet.notifications).toEqual([]);
    const verbose = await rawModern(url, 'tools/call', {
      ...params,
      _meta: { 'io.modelcontextprotocol/logLevel': 'info' },
    });
    expect(firstText(verbose.body.result)).toBe('flooded 3');
    const logs = verbose.notifications.filter((n) => n.method === 'notifications/message');
    expect(logs.map((n) => n.params?.data)).toEqual(['flood 1/3', 'flood 2/3', 'flood 3/3']);
    const errorsOnly = await rawModern(url, 'tools/call', {
      ...params,
      _meta: { 'io.modelcontextprotocol/logLevel': 'error' },
    });
    expect(errorsOnly.notifications).toEqual([]);
  });

  it('Meta-MCP works for a modern client: search, gateway_invoke with progress', async () => {
    const client = track(await modernClient(`${gateway.baseUrl}/mcp`));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual([
      'gateway_invoke',
      'gateway_list_servers',
      'gateway_list_tools',
      'gateway_search_tools',
    ]);
    const search = await client.callTool({ name: 'gateway_search_tools', arguments: { query: 'echo a message back' } });
    expect(JSON.stringify(search.structuredContent)).toContain('echo');
    const progress: number[] = [];
    const invoked = await client.callTool(
      {
        name: 'gateway_invoke',
        arguments: { server: 'fault', tool: 'slow', arguments: { ms: 400, progress_every_ms: 100 } },
      },
      { onprogress: (p) => void progress.push(p.progress) },
    );
    expect(firstText(invoked)).toBe('done after 400ms');
    expect(progress.length).toBeGreaterThan(0);
  });

  it("a legacy backend's sampling request reaches a modern client as input_required, and the retry completes the call", async () => {
    const client = track(await modernClient(`${gateway.baseUrl}/mcp/everything`, { sampling: {} }));
    let asked = 0;
    client.setRequestHandler('sampling/createMessage', async () => {
      asked++;
      return {
        role: 'assistant',
        model: 'modern-model',
        content: { type: 'text', text: 'sampled by the modern client' },
      };
    });
    const result = await client.callTool({
      name: 'trigger-sampling-request',
      arguments: { prompt: 'hello', maxTokens: 10 },
    });
    expect(JSON.stringify(result.content)).toContain('sampled by the modern client');
    expect(asked).toBe(1);
  });

  it('an elicitation round trip through gateway_invoke on /mcp', async () => {
    const client = track(await modernClient(`${gateway.baseUrl}/mcp`, { elicitation: { form: {} } }));
    let asked = 0;
    client.setRequestHandler('elicitation/create', async () => {
      asked++;
      return { action: 'accept', content: { name: 'modern-dana', color: 'green' } };
    });
    const result = await client.callTool({
      name: 'gateway_invoke',
      arguments: { server: 'everything', tool: 'trigger-elicitation-request', arguments: {} },
    });
    expect(JSON.stringify(result.content)).toContain('modern-dana');
    expect(asked).toBe(1);
  });

  it('subscriptions/listen receives a backend tool-list change', async () => {
    const client = track(await modernClient(`${gateway.baseUrl}/mcp/fault`));
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void changes++);
    const subscription = await client.listen({ toolsListChanged: true });
    const toggled = await client.callTool({ name: 'toggle_extra_tool', arguments: {} });
    expect(firstText(toggled)).toMatch(/extra_tool (on|off)/);
    await waitFor(() => changes > 0, { timeoutMs: 10_000, description: 'tools/list_changed on the listen stream' });
    await subscription.close?.();
  });

  it("a modern client's sequential calls reach the same backend connection, and its list changes reach its listen stream", async () => {
    // Declaring sampling gives its calls a connection (here a process) of their own: the backend keeps state there.
    const client = track(await modernClient(`${gateway.baseUrl}/mcp/fault`, { sampling: {} }));
    client.setRequestHandler('sampling/createMessage', async () => ({
      role: 'assistant',
      model: 'm',
      content: { type: 'text', text: 'unused' },
    }));
    let changes = 0;
    client.setNotificationHandler('notifications/tools/list_changed', () => void changes++);
    const subscription = await client.listen({ toolsListChanged: true });
    try {
      expect(firstText(await client.callTool({ name: 'toggle_extra_tool', arguments: {} }))).toBe('extra_tool on');
      await waitFor(() => changes > 0, { timeoutMs: 10_000, description: 'tools/list_changed on the listen stream' });
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('extra_tool');
      expect(firstText(await client.callTool({ name: 'extra_tool', arguments: {} }))).toBe('extra');
    } finally {
      await subscription.close?.();
    }
  });

  it('subscriptions/listen delivers updates of the resources named, on /mcp/{backend} and /mcp', async () => {
    const direct = track(await modernClient(`${gateway.baseUrl}/mcp/everything`));
    const meta = track(await modernClient(`${gateway.baseUrl}/mcp`));
    const [resource, other] = (await direct.listResources()).resources;
    const updates = { direct: [] as string[], meta: [] as string[] };
    direct.setNotificationHandler('notifications/resources/updated', (n) => void updates.direct.push(n.params.uri));
    meta.setNotificationHandler('notifications/resources/updated', (n) => void updates.meta.push(n.params.uri));
    const listening = [
      await direct.listen({ resourceSubscriptions: [resource.uri] }),
      await meta.listen({ resourceSubscriptions: [resource.uri] }),
    ];
    const toggle = () => direct.callTool({ name: 'toggle-subscriber-updates', arguments: {} });
    await toggle();
    try {
      await waitFor(() => updates.direct.includes(resource.uri) && updates.meta.includes(resource.uri), {
        timeoutMs: 15_000,
        description: `updates of ${resource.uri} on both listen streams`,
      });
      // Only what was named: another resource's URI never arrives.
      expect([...updates.direct, ...updates.meta]).not.toContain(other?.uri ?? 'none');
    } finally {
      await toggle();
      for (const subscription of listening) await subscription.close?.();
    }
  });

  it('a cancelled call is cancelled at the backend', async () => {
    const client = track(await modernClient(`${gateway.baseUrl}/mcp/fault`));
    const abort = new AbortController();
    const call = client.callTool({ name: 'hang', arguments: {} }, { signal: abort.signal });
    await waitFor(() => readFileSync(callLog, 'utf8').includes('hang\n'), {
      timeoutMs: 10_000,
      description: 'hang to start',
    });
    abort.abort();
    await expect(call).rejects.toThrow();
    await waitFor(() => readFileSync(callLog, 'utf8').includes('cancelled hang'), {
      timeoutMs: 10_000,
      description: 'the backend to see the cancellation',
    });
  });

  describe('bad input: a clear JSON-RPC error, nothing else disturbed', () => {
    it('mismatched and missing Mcp-* headers are HeaderMismatch (-32020)', async () => {
      const url = `${gateway.baseUrl}/mcp/fault`;
      const params = { name: 'echo', arguments: { message: 'x' } };
      const wrongName = await rawModern(url, 'tools/call', params, { 'mcp-name': 'add' });
      expect(wrongName.status).toBe(400);
      expect(wrongName.body.error?.code).toBe(-32020);
      expect(wrongName.body.error?.message).toMatch(/Mcp-Name/);
      const noMethod = await rawModern(url, 'tools/call', params, { 'mcp-method': undefined });
      expect(noMethod.body.error?.code).toBe(-32020);
      expect(noMethod.body.error?.message).toMatch(/Mcp-Method/);
      const wrongMethod = await rawModern(url, 'tools/call', params, { 'mcp-method': 'tools/list' });
      expect(wrongMethod.body.error?.code).toBe(-32020);
      const noName = await rawModern(url, 'tools/call', params, { 'mcp-name': undefined });
      expect(noName.body.error?.code).toBe(-32020);
    });

    it('an unknown protocol version is UnsupportedProtocolVersion (-32022) listing the supported ones', async () => {
      const answer = await rawModern(
        `${gateway.baseUrl}/mcp`,
        'tools/list',
        { _meta: { 'io.modelcontextprotocol/protocolVersion': '2099-01-01' } },
        { 'mcp-protocol-version': '2099-01-01' },
      );
      expect(answer.status).toBe(400);
      expect(answer.body.error?.code).toBe(-32022);
      expect((answer.body.error?.data as { supported: string[] }).supported).toEqual(
        expect.arrayContaining([MODERN, '2025-11-25']),
      );
    });

    it('a missing _meta field names the field', async () => {
      const response = await fetch(`${gateway.baseUrl}/mcp`, {
        method: 'POST',
        headers: LIST_HEADERS,
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: 3,
          method: 'tools/list',
          params: { _meta: { 'io.modelcontextprotocol/protocolVersion': MODERN } },
        }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as RawAnswer['body'];
      expect(body.error?.code).toBe(-32602);
      expect(body.error?.message).toContain('io.modelcontextprotocol/clientCapabilities');
    });

    it('inputResponses for a request the gateway never issued, and a retry after the bounded wait', async () => {
      const url = `${gateway.baseUrl}/mcp/everything`;
      const caps = { 'io.modelcontextprotocol/clientCapabilities': { sampling: {} } };
      const params = { name: 'trigger-sampling-request', arguments: { prompt: 'p', maxTokens: 5 }, _meta: caps };
      const everything = gateway.app.get(BackendRegistry).get('everything');
      // Earlier tests' connections close after client_connection_idle (1 s here).
      await waitFor(() => everything.clientConnections === 0, { timeoutMs: 10_000, description: 'no connection yet' });
      const first = await rawModern(url, 'tools/call', params);
      expect(first.body.result?.resultType).toBe('input_required');
      const requestState = first.body.result!.requestState as string;
      const [key] = Object.keys(first.body.result!.inputRequests as object);
      // The parked call holds a backend connection of modern clients' own (they can answer sampling).
      expect(everything.clientConnections).toBe(1);

      const forged = await rawModern(url, 'tools/call', {
        ...params,
        requestState,
        inputResponses: { 'never-asked': { role: 'assistant', model: 'm', content: { type: 'text', text: 'x' } } },
      });
      expect(forged.body.error?.code).toBe(-32602);
      expect(forged.body.error?.message).toContain('never-asked');

      // Nothing disturbed: the real answer still completes the call.
      const answered = await rawModern(url, 'tools/call', {
        ...params,
        requestState,
        inputResponses: { [key]: { role: 'assistant', model: 'm', content: { type: 'text', text: 'real answer' } } },
      });
      expect(answered.body.result?.resultType).toBe('complete');
      expect(JSON.stringify(answered.body.result!.content)).toContain('real answer');

      // A retry after server.input_required_timeout (1.5 s here) finds nothing waiting.
      const again = await rawModern(url, 'tools/call', params);
      // The next call reuses that connection rather than opening another.
      expect(everything.clientConnections).toBe(1);
      const state = again.body.result!.requestState as string;
      const [againKey] = Object.keys(again.body.result!.inputRequests as object);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const late = await rawModern(url, 'tools/call', {
        ...params,
        requestState: state,
        inputResponses: { [againKey]: { role: 'assistant', model: 'm', content: { type: 'text', text: 'late' } } },
      });
      expect(late.body.error?.code).toBe(-32602);
      expect(late.body.error?.message).toMatch(/expired.*server\.input_required_timeout/);
      // Nothing is left behind: the connection closes once unused for client_connection_idle.
      await waitFor(() => everything.clientConnections === 0, {
        timeoutMs: 10_000,
        description: 'the connection to close when unused',
      });

      // And the gateway still serves modern and legacy clients.
      expect(
        (await rawModern(`${gateway.baseUrl}/mcp/fault`, 'tools/call', { name: 'echo', arguments: { message: 'ok' } }))
          .body.result,
      ).toMatchObject({ resultType: 'complete' });
      const legacy = track(await connectClient(`${gateway.baseUrl}/mcp/fault`));
      expect(firstText(await legacy.callTool({ name: 'echo', arguments: { message: 'legacy' } }))).toBe('legacy');
    });
  });
});

describe('modern clients with auth on: the same principal, policy and audit as legacy sessions', () => {
  let gateway: TestGateway;
  const KEYS = { admin: 'modern-admin-key-0123456789', reader: 'modern-reader-key-0123456789' };
  const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

  beforeAll(async () => {
    gateway = await startTestGateway(
      {
        auth: {
          api_keys: [
            { id: 'admin', key: KEYS.admin, roles: ['admin'] },
            { id: 'reader', key: KEYS.reader, roles: ['reader'] },
          ],
          roles: { admin: { allow: ['*'] }, reader: { allow: ['fault/echo'] } },
        },
        backends: { fault: stdioBackend(faultStdioCommand()) },
      },
      { ready: ['fault'], headers: bearer(KEYS.admin) },
    );
  });

  afterAll(async () => {
    await gateway?.close();
  });

  it('refuses a modern request without credentials with 401', async () => {
    const answer = await fetch(`${gateway.baseUrl}/mcp`, {
      method: 'POST',
      headers: LIST_HEADERS,
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: { _meta: envelope } }),
    });
    expect(answer.status).toBe(401);
  });

  it('lists only what the principal may use, as a private (per-principal) cacheable answer', async () => {
    const reader = await rawModern(`${gateway.baseUrl}/mcp/fault`, 'tools/list', {}, bearer(KEYS.reader));
    expect((reader.body.result!.tools as Array<{ name: string }>).map((tool) => tool.name)).toEqual(['echo']);
    expect(reader.body.result!.cacheScope).toBe('private');
    const admin = await rawModern(`${gateway.baseUrl}/mcp/fault`, 'tools/list', {}, bearer(KEYS.admin));
    expect((admin.body.result!.tools as unknown[]).length).toBeGreaterThan(1);
    expect(admin.body.result!.cacheScope).toBe('private');
  });

  it('applies the access policy to calls, directly and through gateway_invoke', async () => {
    const direct = await rawModern(
      `${gateway.baseUrl}/mcp/fault`,
      'tools/call',
      { name: 'add', arguments: { a: 1, b: 2 } },
      bearer(KEYS.reader),
    );
    expect(direct.body.error?.message).toBe('fault/add is not permitted for this client');
    const invoked = await rawModern(
      `${gateway.baseUrl}/mcp`,
      'tools/call',
      { name: 'gateway_invoke', arguments: { server: 'fault', tool: 'add', arguments: { a: 1, b: 2 } } },
      bearer(KEYS.reader),
    );
    expect(invoked.body.result).toMatchObject({ isError: true, resultType: 'complete' });
    expect(firstText(invoked.body.result)).toBe('fault/add is not permitted for this client');
    const allowed = await rawModern(
      `${gateway.baseUrl}/mcp/fault`,
      'tools/call',
      { name: 'echo', arguments: { message: 'reader ok' } },
      bearer(KEYS.reader),
    );
    expect(firstText(allowed.body.result)).toBe('reader ok');
  });
});

describe('modern clients and a modern-only backend: input_required passes through, nothing kept per client', () => {
  let gateway: TestGateway;
  const clients: ModernClient[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway(
      { backends: { modern: stdioBackend(modernStdioCommand()) } },
      { ready: ['modern'] },
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await gateway?.close();
  });

  it("the backend's own input_required reaches the client on /mcp/{backend} and through gateway_invoke", async () => {
    const direct = await modernClient(`${gateway.baseUrl}/mcp/modern`, { sampling: {} });
    const meta = await modernClient(`${gateway.baseUrl}/mcp`, { elicitation: { form: {} } });
    clients.push(direct, meta);
    direct.setRequestHandler('sampling/createMessage', async () => ({
      role: 'assistant',
      model: 'm',
      content: { type: 'text', text: 'passed through' },
    }));
    meta.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: { answer: 'via invoke' } }));
    expect(firstText(await direct.callTool({ name: 'sample', arguments: { prompt: 'hi' } }))).toBe(
      'sampled: passed through',
    );
    const invoked = await meta.callTool({
      name: 'gateway_invoke',
      arguments: { server: 'modern', tool: 'elicit', arguments: { message: 'q' } },
    });
    expect(firstText(invoked)).toContain('via invoke');
    // A modern backend needs no connection per client.
    expect(gateway.app.get(BackendRegistry).get('modern').clientConnections).toBe(0);
  });
});
