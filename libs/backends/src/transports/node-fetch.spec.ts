import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { nodeFetch } from './node-fetch.js';

let server: Server;
let base: string;
let releaseStream: () => void = () => undefined;

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.url === '/json') {
        res.writeHead(200, { 'content-type': 'application/json', 'x-echo': req.headers['x-custom'] ?? '' });
        res.end(JSON.stringify({ method: req.method, body }));
      } else if (req.url === '/accepted') {
        res.writeHead(202).end();
      } else {
        // An event stream whose second event waits until the test has read the first one.
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        res.write('data: first\n\n');
        releaseStream = () => res.end('data: second\n\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe('nodeFetch', () => {
  it('sends method, headers and body, and reads a JSON answer with its headers', async () => {
    const response = await nodeFetch(`${base}/json`, {
      method: 'POST',
      headers: new Headers({ 'x-custom': 'yes', 'content-type': 'application/json' }),
      body: '{"a":1}',
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('x-echo')).toBe('yes');
    expect(await response.json()).toEqual({ method: 'POST', body: '{"a":1}' });
  });

  it('answers 202 with no body', async () => {
    const response = await nodeFetch(new URL(`${base}/accepted`), { method: 'POST', body: '{}' });
    expect(response.status).toBe(202);
    expect(await response.text()).toBe('');
  });

  it('hands over an event stream as it arrives, not when it ends', async () => {
    const response = await nodeFetch(`${base}/events`);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(Buffer.from(first.value).toString()).toBe('data: first\n\n');
    releaseStream();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      rest += Buffer.from(chunk.value).toString();
    }
    expect(rest).toBe('data: second\n\n');
  });

  it("fails like fetch: TypeError 'fetch failed' with the socket error as its cause", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const error = (await nodeFetch(`http://127.0.0.1:${port}/`).catch((e: unknown) => e)) as TypeError & {
      cause: { code: string };
    };
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toBe('fetch failed');
    expect(error.cause.code).toBe('ECONNREFUSED');
  });

  it('stops at an abort', async () => {
    const controller = new AbortController();
    const pending = nodeFetch(`${base}/json`, { method: 'POST', body: 'x', signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });
});
