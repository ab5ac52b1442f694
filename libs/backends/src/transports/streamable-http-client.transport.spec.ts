import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { StreamableHttpClientTransport } from './streamable-http-client.transport.js';
import { waitFor } from '../../../../test/helpers/processes.js';

/** What each request of the fake server did, in order. */
const seen: Array<{ method?: string; path?: string; session?: string; lastEventId?: string }> = [];
let server: Server;
let base: string;

const request = (id: number, method = 'tools/call'): JSONRPCMessage => ({ jsonrpc: '2.0', id, method });
const result = (id: number, text: string) => JSON.stringify({ jsonrpc: '2.0', id, result: { text } });

function route(req: IncomingMessage, res: ServerResponse, body: string): void {
  const header = (name: string) => req.headers[name] as string | undefined;
  seen.push({
    method: req.method,
    path: req.url,
    session: header('mcp-session-id'),
    lastEventId: header('last-event-id'),
  });
  const id = body ? (JSON.parse(body) as { id?: number }).id : undefined;
  switch (req.url ?? '') {
    case '/json':
      res.writeHead(200, { 'content-type': 'application/json', 'mcp-session-id': 'abc' }).end(result(id!, 'json'));
      return;
    case '/sse':
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`id: e1\ndata: \n\n`);
      res.end(`id: e2\ndata: ${result(id!, 'sse')}\n\n`);
      return;
    case '/no-get':
      if (req.method === 'GET') res.writeHead(400, { 'content-type': 'text/plain' }).end('GET is not supported');
      else if (id === undefined) res.writeHead(202).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end(result(id, 'still here'));
      return;
    case '/sse-pieces': {
      // \r\n line ends, a comment, multi-line data, written a few bytes at a time.
      const text = `: hi\r\nid: p1\r\ndata: \r\n\r\nid: p2\r\ndata: ${result(id!, 'pie').replace('"text"', '\r\ndata: "text"')}\r\n\r\n`;
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
      const pieces = text.match(/[\s\S]{1,3}/g)!;
      const next = () => (pieces.length ? res.write(pieces.shift()!, () => setImmediate(next)) : res.end());
      next();
      return;
    }
    case '/cut':
      // The answer's event starts, then the socket is cut in its middle; no event id to resume from.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`event: message\ndata: ${result(id!, 'never complete').slice(0, 20)}`, () => res.socket?.destroy());
      return;
    case '/cut-no-resume':
      // Same, after an event with an id, at a server that does not allow resuming (GET 405).
      if (req.method === 'GET') return void res.writeHead(405).end();
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(`id: k1\ndata: \n\nevent: message\ndata: {"jsonrpc"`, () => res.socket?.destroy());
      return;
    case '/gone':
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"session not found"}');
      return;
    case '/drop':
      if (req.method === 'POST') {
        // A priming event, then the connection drops before the answer: the client must resume with GET.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('id: d1\nretry: 10\ndata: \n\n', () => res.destroy());
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`id: d2\ndata: ${result(0, 'resumed')}\n\n`);
      return;
    default:
      res.writeHead(405).end();
  }
}

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => route(req, res, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function open(path: string): { transport: StreamableHttpClientTransport; messages: JSONRPCMessage[] } {
  const transport = new StreamableHttpClientTransport(new URL(path, base), { headers: { 'x-team': 'a' } });
  const messages: JSONRPCMessage[] = [];
  transport.onmessage = (message) => messages.push(message);
  transport.onerror = () => undefined;
  return { transport, messages };
}

describe('StreamableHttpClientTransport', () => {
  it('delivers a JSON answer and keeps the session id it was given', async () => {
    const { transport, messages } = open('/json');
    await transport.send(request(1));
    expect(messages).toEqual([{ jsonrpc: '2.0', id: 1, result: { text: 'json' } }]);
    expect(transport.sessionId).toBe('abc');
    await transport.send(request(2));
    expect(seen.at(-1)).toMatchObject({ method: 'POST', session: 'abc' });
    await transport.close();
  });

  it.each([
    {
      what: 'delivers an SSE answer and hands out its event ids as resumption tokens',
      path: '/sse',
      id: 3,
      text: 'sse',
      ids: ['e1', 'e2'],
    },
    {
      what: 'reads an event stream that arrives a few bytes at a time, with \\r\\n line ends and multi-line data',
      path: '/sse-pieces',
      id: 9,
      text: 'pie',
      ids: ['p1', 'p2'],
    },
  ])('$what', async ({ path, id, text, ids }) => {
    const { transport, messages } = open(path);
    const tokens: string[] = [];
    await transport.send(request(id), { onresumptiontoken: (token) => tokens.push(token) });
    await waitFor(() => messages.length === 1, { intervalMs: 10 });
    expect(messages[0]).toEqual({ jsonrpc: '2.0', id, result: { text } });
    expect(tokens).toEqual(ids);
    await transport.close();
  });

  it('resumes a POST stream that dropped after its priming event with GET and Last-Event-ID', async () => {
    const { transport, messages } = open('/drop');
    await transport.send(request(0));
    await waitFor(() => messages.length === 1, { intervalMs: 10 });
    expect(messages[0]).toEqual({ jsonrpc: '2.0', id: 0, result: { text: 'resumed' } });
    expect(seen.filter((entry) => entry.path === '/drop').map((entry) => [entry.method, entry.lastEventId])).toEqual([
      ['POST', undefined],
      ['GET', 'd1'],
    ]);
    await transport.close();
  });

  it.each([
    { path: '/cut', reason: 'its SSE stream was cut (aborted) before the answer' },
    { path: '/cut-no-resume', reason: 'its SSE stream broke off and the server does not allow resuming it' },
  ])('$path: a stream cut in the middle of an event fails its request at once', async ({ path, reason }) => {
    const transport = new StreamableHttpClientTransport(new URL(path, base), { name: 'cutter' });
    const messages: JSONRPCMessage[] = [];
    transport.onmessage = (message) => messages.push(message);
    transport.onerror = () => undefined;
    await transport.send(request(11));
    await waitFor(() => messages.length === 1, { intervalMs: 10 });
    expect(messages[0]).toEqual({
      jsonrpc: '2.0',
      id: 11,
      error: { code: -32000, message: `backend "cutter" connection lost: ${reason}` },
    });
    await transport.close();
  });

  it('survives a server that refuses the GET stream: the error is reported, calls go on', async () => {
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const { transport, messages } = open('/no-get');
    const errors: Error[] = [];
    transport.onerror = (error) => errors.push(error);
    await transport.send({ jsonrpc: '2.0', method: 'notifications/initialized' });
    await waitFor(() => errors.length === 1, { intervalMs: 10 });
    expect(errors[0]).toMatchObject({ code: 400 });
    await transport.send(request(6));
    expect(messages).toEqual([{ jsonrpc: '2.0', id: 6, result: { text: 'still here' } }]);
    await new Promise((resolve) => setTimeout(resolve, 50));
    process.off('unhandledRejection', onUnhandled);
    expect(unhandled).toEqual([]);
    await transport.close();
  });

  it('reports an HTTP refusal as the SDK does (StreamableHTTPError with the status)', async () => {
    const { transport } = open('/gone');
    const error = await transport.send(request(4)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StreamableHTTPError);
    expect(error).toMatchObject({ code: 404, message: expect.stringContaining('session not found') });
    await transport.close();
  });

  it("fails like fetch when nothing listens: TypeError 'fetch failed' with the socket error as its cause", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const transport = new StreamableHttpClientTransport(new URL(`http://127.0.0.1:${port}/mcp`));
    transport.onerror = () => undefined;
    const error = (await transport.send(request(5)).catch((e: unknown) => e)) as TypeError & {
      cause: { code: string };
    };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect(error.cause.code).toBe('ECONNREFUSED');
  });
});
