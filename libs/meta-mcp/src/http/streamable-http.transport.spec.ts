import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { Test } from '@nestjs/testing';
import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { GatewayConfig, loadGatewayConfigFromObject } from '@gateway/config';
import { SessionEventStore } from '../meta-mcp.tokens.js';
import { InMemoryEventStore } from '../resumability/in-memory-event-store.js';
import { StreamableHttpTransport } from './streamable-http.transport.js';

const VERSION = '2025-11-25';
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 0,
  method: 'initialize',
  params: { protocolVersion: VERSION, capabilities: {}, clientInfo: { name: 'spec', version: '1' } },
};
const HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': VERSION,
};

/** The data and ids of the SSE events in `text`. */
function sseEvents(text: string): Array<{ id?: string; data: string }> {
  return text
    .split('\n\n')
    .filter((block) => block.includes('data:'))
    .map((block) => {
      const id = /^id: (.*)$/m.exec(block)?.[1];
      return { ...(id ? { id } : {}), data: /^data: ?(.*)$/m.exec(block)![1] };
    });
}

/**
 * The server side of one session over real HTTP on 127.0.0.1: the transport under test behind a Node server that
 * parses the body (as the controller does), with the event store a TestingModule provides.
 */
describe('StreamableHttpTransport (TestingModule event store, real HTTP)', () => {
  let store: SessionEventStore;
  let server: Server;
  let url: string;
  let transport: StreamableHttpTransport;
  const received: JSONRPCMessage[] = [];
  const lifecycle: string[] = [];
  let onRequest: (request: JSONRPCRequest) => void = () => undefined;
  /** Resolves when the server side of the latest POST's response has closed. */
  let postClosed: Promise<void> = Promise.resolve();

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      providers: [
        { provide: GatewayConfig, useValue: loadGatewayConfigFromObject({}) },
        { provide: SessionEventStore, useClass: InMemoryEventStore },
      ],
    }).compile();
    store = module.get<SessionEventStore>(SessionEventStore);
    server = createServer((req, res) => {
      if (req.method === 'POST') postClosed = new Promise((resolve) => res.once('close', () => resolve()));
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => transport.handleRequest(req, res, body ? (JSON.parse(body) as unknown) : undefined));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server?.close(resolve));
  });

  afterEach(() => {
    onRequest = () => undefined;
  });

  const post = (message: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
    fetch(url, { method: 'POST', headers: { ...HEADERS, ...headers }, body: JSON.stringify(message), signal });

  it('refuses requests before initialize, then answers initialize quickly as one JSON body', async () => {
    transport = new StreamableHttpTransport({
      sessionId: 'session-1',
      events: store.openSession(),
      onsessioninitialized: (id) => lifecycle.push(`initialized ${id}`),
      onsessionclosed: (id) => lifecycle.push(`closed ${id}`),
    });
    transport.onmessage = (message) => {
      received.push(message);
      if ('method' in message && 'id' in message) onRequest(message);
    };
    transport.onclose = () => lifecycle.push('onclose');

    const early = await post({ jsonrpc: '2.0', id: 9, method: 'ping' });
    expect(early.status).toBe(400);
    expect(await early.json()).toMatchObject({ error: { message: 'Bad Request: Server not initialized' } });

    onRequest = (request) => void transport.send({ jsonrpc: '2.0', id: request.id, result: { ok: true } });
    const response = await post(INITIALIZE);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('mcp-session-id')).toBe('session-1');
    expect(await response.json()).toEqual({ jsonrpc: '2.0', id: 0, result: { ok: true } });
    expect(lifecycle).toEqual(['initialized session-1']);
  });

  it('accepts a notification with 202 and hands it on', async () => {
    const response = await post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    expect(response.status).toBe(202);
    expect(received.at(-1)).toEqual({ jsonrpc: '2.0', method: 'notifications/initialized' });
  });

  it('streams a slow answer as SSE with event ids and refuses a second request with the same id meanwhile', async () => {
    let answer!: () => void;
    const asked = new Promise<void>((resolve) => {
      onRequest = (request) => {
        answer = () => {
          void transport.send(
            { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
            { relatedRequestId: request.id },
          );
          void transport.send({ jsonrpc: '2.0', id: request.id, result: { slow: true } });
        };
        resolve();
      };
    });
    const slow = post({ jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 'slow' } });
    await asked;
    // The stream opens once the answer is not ready at once (the response's headers arrive first).
    const response = await slow;
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const duplicate = await post({ jsonrpc: '2.0', id: 5, method: 'ping' });
    expect(duplicate.status).toBe(400);
    expect(await duplicate.json()).toMatchObject({
      id: 5,
      error: { message: expect.stringMatching(/already in flight/) },
    });

    answer();
    const [priming, progress, result] = sseEvents(await response.text());
    expect(priming).toEqual({ id: expect.any(String), data: '' });
    expect(JSON.parse(progress.data)).toMatchObject({ method: 'notifications/progress' });
    expect(JSON.parse(result.data)).toEqual({ jsonrpc: '2.0', id: 5, result: { slow: true } });
  });

  it('replays what a client missed after Last-Event-ID, once its stream was cut', async () => {
    let answer!: (result: unknown) => void;
    const asked = new Promise<void>((resolve) => {
      onRequest = (request) => {
        answer = (result) => void transport.send({ jsonrpc: '2.0', id: request.id, result } as JSONRPCMessage);
        resolve();
      };
    });
    const cut = new AbortController();
    const response = await post({ jsonrpc: '2.0', id: 7, method: 'tools/call' }, {}, cut.signal);
    await asked;
    const reader = response.body!.getReader();
    const { value } = await reader.read();
    const [priming] = sseEvents(Buffer.from(value).toString());
    expect(priming.id).toEqual(expect.any(String));
    const closed = postClosed;
    cut.abort();
    await closed;

    answer({ missed: true });
    const replay = await fetch(url, {
      headers: { accept: 'text/event-stream', 'mcp-protocol-version': VERSION, 'last-event-id': priming.id! },
    });
    expect(replay.status).toBe(200);
    const replayed = sseEvents(await replay.text());
    expect(replayed.map((event) => JSON.parse(event.data) as unknown)).toEqual([
      { jsonrpc: '2.0', id: 7, result: { missed: true } },
    ]);
  });

  it('ends the session on DELETE and answers 404 afterwards', async () => {
    const deleted = await fetch(url, { method: 'DELETE', headers: { 'mcp-protocol-version': VERSION } });
    expect(deleted.status).toBe(200);
    expect(lifecycle).toEqual(['initialized session-1', 'closed session-1', 'onclose']);
    const after = await post({ jsonrpc: '2.0', id: 6, method: 'ping' });
    expect(after.status).toBe(404);
    expect(await after.json()).toMatchObject({ error: { message: 'Session not found' } });
  });
});
