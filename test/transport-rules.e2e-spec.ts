// The Streamable HTTP rules the gateway enforces on /mcp and /mcp/{backend}, over real HTTP with requests the SDK
// client would never send: Origin and Host (DNS rebinding), MCP-Protocol-Version, malformed messages, body size,
// and resumable SSE streams (Last-Event-ID).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SessionEventStore, SessionRegistry } from '@gateway/meta-mcp';
import { faultStdioCommand } from './helpers/fault.js';
import { closeAndReap, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { mcpPostHeaders, rawRequest, sseEvents, type SseEvent } from './helpers/raw-http.js';
import {
  expectJsonRpcError,
  initializeBody,
  openRawSession,
  RAW_PROTOCOL_VERSION,
  sessionHeaders,
} from './helpers/raw-session.js';
import { waitFor } from './helpers/processes.js';
import type { InMemoryEventStore } from '../libs/meta-mcp/src/resumability/in-memory-event-store.js';

jest.setTimeout(30_000);

const VERSION = RAW_PROTOCOL_VERSION;
let gateway: TestGateway;
let url: string;

beforeAll(async () => {
  gateway = await startTestGateway(
    {
      server: { max_body_size: '64kb', request_timeout: '10s' },
      backends: { fault: stdioBackend(faultStdioCommand()) },
    },
    { ready: ['fault'] },
  );
  url = `${gateway.baseUrl}/mcp/fault`;
});

afterAll(async () => {
  const survivors = gateway ? await closeAndReap(gateway) : [];
  expect(survivors).toEqual([]);
});

const initialize = initializeBody;
const openSession = (target = url, headers: Record<string, string> = {}): Promise<string> =>
  openRawSession(target, headers);

describe('Origin and Host (DNS rebinding protection)', () => {
  it('refuses a foreign Origin with 403 and a JSON-RPC error naming it, on every method', async () => {
    const origin = 'http://evil.example.com';
    const post = await rawRequest(url, { headers: mcpPostHeaders({ origin }), body: initialize() });
    expect(expectJsonRpcError(post, 403)).toContain(origin);
    const get = await rawRequest(`${gateway.baseUrl}/mcp`, { method: 'GET', headers: { origin } });
    expectJsonRpcError(get, 403);
  });

  it('accepts localhost origins on any port, and requests with no Origin at all', async () => {
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:8080', 'https://[::1]']) {
      const response = await rawRequest(url, { headers: mcpPostHeaders({ origin }), body: initialize() });
      expect({ origin, status: response.status }).toEqual({ origin, status: 200 });
    }
    expect((await rawRequest(url, { headers: mcpPostHeaders(), body: initialize() })).status).toBe(200);
  });

  it('refuses a Host other than localhost names while bound to loopback', async () => {
    const evil = await rawRequest(url, { headers: mcpPostHeaders({ host: 'evil.example.com' }), body: initialize() });
    expect(expectJsonRpcError(evil, 403)).toContain('evil.example.com');
    const port = new URL(gateway.baseUrl).port;
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, `[::1]:${port}`]) {
      const response = await rawRequest(url, { headers: mcpPostHeaders({ host }), body: initialize() });
      expect({ host, status: response.status }).toEqual({ host, status: 200 });
    }
  });

  it('leaves /health alone, whatever the Host and Origin', async () => {
    const headers = { host: 'probe.internal', origin: 'http://evil.example.com' };
    const health = await rawRequest(`${gateway.baseUrl}/health`, { method: 'GET', headers });
    expect(health.status).toBe(200);
  });

  it('uses server.allowed_origins and server.allowed_hosts instead of the defaults', async () => {
    const custom = await startTestGateway({
      server: { allowed_origins: ['https://app.example.com'], allowed_hosts: ['gw.internal'] },
    });
    try {
      const mcp = `${custom.baseUrl}/mcp`;
      const allowed = await rawRequest(mcp, {
        headers: mcpPostHeaders({ origin: 'https://app.example.com', host: 'gw.internal' }),
        body: initialize(),
      });
      expect(allowed.status).toBe(200);
      const localhost = await rawRequest(mcp, {
        headers: mcpPostHeaders({ origin: 'http://localhost:3000' }),
        body: initialize(),
      });
      expectJsonRpcError(localhost, 403);
    } finally {
      await custom.close();
    }
  });
});

describe('MCP-Protocol-Version after initialize', () => {
  let session: string;
  const ping = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' });

  beforeAll(async () => {
    session = await openSession();
  });

  it('accepts a supported version, and a missing header (taken as 2025-03-26)', async () => {
    const supported = await rawRequest(url, {
      headers: sessionHeaders(session, { 'mcp-protocol-version': '2025-06-18' }),
      body: ping,
    });
    expect(supported.status).toBe(200);
    const { 'mcp-protocol-version': _omitted, ...withoutVersion } = sessionHeaders(session);
    expect((await rawRequest(url, { headers: withoutVersion, body: ping })).status).toBe(200);
  });

  it('refuses an unsupported version with 400 on POST, GET and DELETE, and the session lives on', async () => {
    const bad = { 'mcp-protocol-version': '1999-01-01' };
    const post = await rawRequest(url, { headers: sessionHeaders(session, bad), body: ping });
    expect(expectJsonRpcError(post, 400)).toContain('Unsupported protocol version');
    const get = await rawRequest(url, {
      method: 'GET',
      headers: { ...sessionHeaders(session, bad), accept: 'text/event-stream' },
    });
    expectJsonRpcError(get, 400);
    const del = await rawRequest(url, { method: 'DELETE', headers: sessionHeaders(session, bad) });
    expectJsonRpcError(del, 400);
    expect((await rawRequest(url, { headers: sessionHeaders(session), body: ping })).status).toBe(200);
  });
});

describe('malformed requests get the status the spec gives and a JSON-RPC error', () => {
  const cases: Array<{ name: string; body?: string; headers?: Record<string, string>; status: number; code: number }> =
    [
      { name: 'malformed JSON', body: '{"jsonrpc": "2.0", "id": 1,', status: 400, code: -32700 },
      { name: 'an empty body', body: '', status: 400, code: -32700 },
      { name: 'a string body', body: '"x"', status: 400, code: -32600 },
      { name: 'a number body', body: '42', status: 400, code: -32600 },
      { name: 'a null body', body: 'null', status: 400, code: -32600 },
      { name: 'no "jsonrpc"', body: '{"id": 1, "method": "ping"}', status: 400, code: -32600 },
      { name: '"jsonrpc": "1.0"', body: '{"jsonrpc": "1.0", "id": 1, "method": "ping"}', status: 400, code: -32600 },
      { name: 'no method, result or error', body: '{"jsonrpc": "2.0", "id": 1}', status: 400, code: -32600 },
      { name: 'a batch', body: '[{"jsonrpc": "2.0", "id": 1, "method": "ping"}]', status: 400, code: -32600 },
      { name: 'Accept without text/event-stream', headers: { accept: 'application/json' }, status: 406, code: -32000 },
      { name: 'Accept without application/json', headers: { accept: 'text/event-stream' }, status: 406, code: -32000 },
      { name: 'no Accept at all', headers: { accept: '' }, status: 406, code: -32000 },
      { name: 'Content-Type text/plain', headers: { 'content-type': 'text/plain' }, status: 415, code: -32000 },
    ];
  const ping = '{"jsonrpc": "2.0", "id": 1, "method": "ping"}';

  it.each(cases)('$name: $status ($code), before and after initialize, on both routes', async (testCase) => {
    const sessions = gateway.app.get(SessionRegistry);
    const session = await openSession();
    const before = sessions.size;
    for (const [target, headers] of [
      [url, mcpPostHeaders()],
      [`${gateway.baseUrl}/mcp`, mcpPostHeaders()],
      [url, sessionHeaders(session)],
    ] as const) {
      const response = await rawRequest(target, {
        headers: { ...headers, ...testCase.headers },
        body: testCase.body ?? (testCase.name.startsWith('Content-Type') ? ping : initialize()),
      });
      expectJsonRpcError(response, testCase.status, testCase.code);
    }
    // A refused request never opens a session.
    expect(sessions.size).toBe(before);
  });

  it('names the id of an invalid request when it has one', async () => {
    const response = await rawRequest(url, {
      headers: mcpPostHeaders(),
      body: '{"jsonrpc": "1.0", "id": 7, "method": "ping"}',
    });
    expect(response.json).toMatchObject({ id: 7, error: { code: -32600 } });
  });

  it('refuses a GET whose Accept lacks text/event-stream with 406', async () => {
    const session = await openSession();
    const get = await rawRequest(url, {
      method: 'GET',
      headers: { ...sessionHeaders(session), accept: 'application/json' },
    });
    expectJsonRpcError(get, 406);
  });
});

describe('server.max_body_size (64kb here)', () => {
  it('refuses a declared Content-Length over the limit with 413 before reading the body', async () => {
    // Only a few bytes of the 10 MiB announced are ever sent: the answer cannot have waited for the body.
    const response = await rawRequest(url, {
      headers: mcpPostHeaders({ 'content-length': String(10 * 1024 * 1024) }),
      write: (req) => req.write('{"jsonrpc": "2.0", '),
    });
    expect(expectJsonRpcError(response, 413)).toContain('64kb');
    expect(response.headers.connection).toBe('close');
  });

  it('refuses a chunked body that grows past the limit with 413 and a JSON-RPC error', async () => {
    const chunk = Buffer.alloc(16 * 1024, ' ');
    const response = await rawRequest(url, {
      headers: mcpPostHeaders({ 'transfer-encoding': 'chunked' }),
      write: (req) => {
        let sent = 0;
        const pump = (): void => {
          while (sent < 256 * 1024) {
            sent += chunk.length;
            if (!req.write(chunk)) return void req.once('drain', pump);
          }
          req.end();
        };
        pump();
      },
    });
    expect(expectJsonRpcError(response, 413)).toContain('server.max_body_size');
  });

  it('serves a body just under the limit', async () => {
    const session = await openSession();
    const message = 'x'.repeat(60 * 1024);
    const call = { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'echo', arguments: { message } } };
    const response = await rawRequest(url, { headers: sessionHeaders(session), body: JSON.stringify(call) });
    expect(response.status).toBe(200);
    expect(response.text).toContain(`"text":"${message}"`);
  });
});

describe('resumability: SSE events carry ids, Last-Event-ID replays what was missed', () => {
  const getHeaders = (session: string, lastEventId?: string): Record<string, string> => ({
    accept: 'text/event-stream',
    'mcp-session-id': session,
    'mcp-protocol-version': VERSION,
    ...(lastEventId ? { 'last-event-id': lastEventId } : {}),
  });

  /** GET with Last-Event-ID, retried while the gateway has not yet seen the old stream go (409). */
  async function resume(session: string, lastEventId: string, signal: AbortSignal): Promise<Response> {
    return waitFor(
      async () => {
        const response = await fetch(url, { headers: getHeaders(session, lastEventId), signal });
        if (response.status === 409) {
          await response.body?.cancel();
          return undefined;
        }
        return response;
      },
      { description: 'a resumed stream (not 409)' },
    );
  }

  /** tools/call of the fault server's `slow` tool for `ms`, with progress every 100 ms under `progressToken`. */
  function postSlowCall(session: string, id: number, ms: number, progressToken: string, signal: AbortSignal) {
    const call = {
      jsonrpc: '2.0',
      id,
      method: 'tools/call',
      params: { name: 'slow', arguments: { ms, progress_every_ms: 100 }, _meta: { progressToken } },
    };
    return fetch(url, { method: 'POST', headers: sessionHeaders(session), body: JSON.stringify(call), signal });
  }

  it('a POST stream dropped mid-call: the rest of the progress and the result come on reconnect', async () => {
    const session = await openSession();
    const first = new AbortController();
    const response = await postSlowCall(session, 7, 1200, 'resume-1', first.signal);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const seen: SseEvent[] = [];
    for await (const event of sseEvents(response.body!)) {
      seen.push(event);
      if (seen.filter((e) => e.data.includes('notifications/progress')).length === 2) break;
    }
    first.abort();
    // A priming event (an id, no data) opens the stream; every message after it has an id too.
    expect(seen[0]).toMatchObject({ id: expect.any(String), data: '' });
    expect(seen.every((event) => event.id)).toBe(true);
    const lastSeenProgress = (JSON.parse(seen.at(-1)!.data) as { params: { progress: number } }).params.progress;

    const second = new AbortController();
    const resumed = await resume(session, seen.at(-1)!.id!, second.signal);
    expect(resumed.status).toBe(200);
    const replayed: Array<{
      id?: string;
      message: { id?: number; method?: string; params?: { progress: number }; result?: unknown };
    }> = [];
    for await (const event of sseEvents(resumed.body!)) {
      replayed.push({ id: event.id, message: JSON.parse(event.data) as (typeof replayed)[number]['message'] });
      if (replayed.at(-1)!.message.id === 7) break;
    }
    second.abort();
    const progress = replayed.filter((event) => event.message.method === 'notifications/progress');
    const values = progress.map((event) => event.message.params!.progress);
    expect(values.length).toBeGreaterThan(0);
    expect(values[0]).toBeGreaterThan(lastSeenProgress);
    expect([...values].sort((a, b) => a - b)).toEqual(values);
    expect(replayed.at(-1)!.message).toMatchObject({
      id: 7,
      result: { content: [{ type: 'text', text: 'done after 1200ms' }] },
    });
    const seenIds = new Set(seen.map((event) => event.id));
    expect(replayed.some((event) => !event.id || seenIds.has(event.id))).toBe(false);
  });

  it('the GET stream: notifications sent while the client was away are replayed on reconnect', async () => {
    const session = await openSession();
    const server = gateway.app.get(SessionRegistry).get(session)!.server;
    const first = new AbortController();
    const stream = await fetch(url, { headers: getHeaders(session), signal: first.signal });
    expect(stream.status).toBe(200);
    const events = sseEvents(stream.body!);
    // The source of a server-to-client notification does not matter to the transport; the session's own server is
    // the most direct one.
    await server.sendToolListChanged();
    const { value: delivered } = await events.next();
    expect(delivered).toMatchObject({ id: expect.any(String) });
    first.abort();
    await server.sendToolListChanged();
    await server.sendToolListChanged();

    const second = new AbortController();
    const resumed = await resume(session, (delivered as SseEvent).id!, second.signal);
    const missed: SseEvent[] = [];
    for await (const event of sseEvents(resumed.body!)) {
      missed.push(event);
      if (missed.length === 2) break;
    }
    second.abort();
    expect(missed.map((event) => (JSON.parse(event.data) as { method: string }).method)).toEqual([
      'notifications/tools/list_changed',
      'notifications/tools/list_changed',
    ]);
    expect(new Set([(delivered as SseEvent).id, ...missed.map((event) => event.id)]).size).toBe(3);
  });

  it('a request answered at once comes back as one JSON body; a slower one gets a primed SSE stream', async () => {
    const session = await openSession();
    const post = (id: number, name: string, args: Record<string, unknown>) =>
      fetch(url, {
        method: 'POST',
        headers: sessionHeaders(session),
        body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args } }),
      });
    const quick = await post(1, 'echo', { message: 'now' });
    expect(quick.headers.get('content-type')).toBe('application/json');
    expect(quick.headers.get('mcp-session-id')).toBe(session);
    expect(await quick.json()).toMatchObject({ jsonrpc: '2.0', id: 1, result: { content: [{ text: 'now' }] } });

    const slow = await post(2, 'slow', { ms: 200 });
    expect(slow.headers.get('content-type')).toContain('text/event-stream');
    const events: SseEvent[] = [];
    for await (const event of sseEvents(slow.body!)) events.push(event);
    expect(events[0]).toMatchObject({ id: expect.any(String), data: '' });
    expect(JSON.parse(events.at(-1)!.data)).toMatchObject({
      id: 2,
      result: { content: [{ text: 'done after 200ms' }] },
    });
  });

  it('a stream resumed after its request finished replays what was missed, result included, then ends', async () => {
    const session = await openSession();
    const first = new AbortController();
    const response = await postSlowCall(session, 8, 300, 'p', first.signal);
    const { value: priming } = await sseEvents(response.body!).next();
    first.abort();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const resumed = await resume(session, (priming as SseEvent).id!, new AbortController().signal);
    const replayed: SseEvent[] = [];
    for await (const event of sseEvents(resumed.body!)) replayed.push(event);
    const messages = replayed.map((event) => JSON.parse(event.data) as { method?: string; id?: number });
    expect(messages.filter((message) => message.method === 'notifications/progress').length).toBeGreaterThan(0);
    expect(messages.at(-1)).toMatchObject({ id: 8, result: { content: [{ text: 'done after 300ms' }] } });
  });

  it('notifications sent before the first GET stream opens are delivered on it, not dropped', async () => {
    const session = await openSession();
    const server = gateway.app.get(SessionRegistry).get(session)!.server;
    await server.sendToolListChanged();
    const controller = new AbortController();
    const stream = await fetch(url, { headers: getHeaders(session), signal: controller.signal });
    const { value } = await sseEvents(stream.body!).next();
    controller.abort();
    expect(JSON.parse((value as SseEvent).data)).toEqual({
      jsonrpc: '2.0',
      method: 'notifications/tools/list_changed',
    });
  });

  it('refuses a Last-Event-ID of another session, and forgets a session’s events when it ends', async () => {
    const store = gateway.app.get<SessionEventStore, InMemoryEventStore>(SessionEventStore);
    const before = store.size;
    const a = await openSession();
    const b = await openSession();
    const slowCall = (id: number) =>
      JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name: 'slow', arguments: { ms: 300 } } });

    // A stream read to its end has reached the client: nothing of it is kept.
    const whole = await fetch(url, { method: 'POST', headers: sessionHeaders(a), body: slowCall(3) });
    expect(whole.headers.get('content-type')).toContain('text/event-stream');
    for await (const event of sseEvents(whole.body!)) expect(event).toBeDefined();
    await waitFor(() => store.size === before, { description: 'the delivered stream forgotten' });

    // A stream dropped before its result keeps its events for Last-Event-ID, but only for its own session.
    const dropped = new AbortController();
    const cut = await fetch(url, {
      method: 'POST',
      headers: sessionHeaders(a),
      body: slowCall(4),
      signal: dropped.signal,
    });
    const primed = (await sseEvents(cut.body!).next()).value as SseEvent;
    dropped.abort();
    await waitFor(() => store.size > before + 1, { description: 'the result kept for replay' });
    const foreign = await rawRequest(url, { method: 'GET', headers: getHeaders(b, primed.id) });
    expectJsonRpcError(foreign, 400);

    for (const session of [a, b]) {
      expect((await rawRequest(url, { method: 'DELETE', headers: sessionHeaders(session) })).status).toBe(200);
    }
    expect(store.size).toBe(before);
  });
});
