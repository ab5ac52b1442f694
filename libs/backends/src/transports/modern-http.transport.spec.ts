import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { afterEach, describe, expect, it } from '@jest/globals';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { encodeHeaderValue, ModernHttpTransport } from './modern-http.transport.js';

interface Seen {
  headers: IncomingHttpHeaders;
  body: { id?: number; method?: string };
}

let server: Server | undefined;

/** A loopback server answering each POST with `answer(seen)`; `hold` leaves an SSE stream open until the client ends it. */
async function serve(answer: (seen: Seen, res: import('node:http').ServerResponse) => void) {
  const seen: Seen[] = [];
  const closed: number[] = [];
  server = createServer((req, res) => {
    let text = '';
    req.on('data', (chunk: Buffer) => (text += chunk.toString()));
    req.on('end', () => {
      const entry = { headers: req.headers, body: JSON.parse(text) as Seen['body'] };
      seen.push(entry);
      res.once('close', () => closed.push(entry.body.id ?? -1));
      answer(entry, res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return { url: new URL(`http://127.0.0.1:${port}/mcp`), seen, closed };
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (!running) return;
  running.closeAllConnections();
  await new Promise((resolve) => running.close(resolve));
});

function collect(transport: ModernHttpTransport): JSONRPCMessage[] {
  const received: JSONRPCMessage[] = [];
  transport.onmessage = (message) => received.push(message);
  return received;
}

describe('ModernHttpTransport', () => {
  it('sends MCP-Protocol-Version, Mcp-Method and Mcp-Name from the message, and no session', async () => {
    const { url, seen } = await serve((entry, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: entry.body.id, result: { content: [] } }));
    });
    const transport = new ModernHttpTransport(url, { headers: { authorization: 'Bearer t' } });
    const received = collect(transport);
    await transport.send({
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'héllo', _meta: { 'io.modelcontextprotocol/protocolVersion': '2026-07-28' } },
    });
    expect(seen[0].headers).toMatchObject({
      'mcp-protocol-version': '2026-07-28',
      'mcp-method': 'tools/call',
      'mcp-name': encodeHeaderValue('héllo'),
      authorization: 'Bearer t',
    });
    expect(seen[0].headers['mcp-session-id']).toBeUndefined();
    expect(received).toEqual([{ jsonrpc: '2.0', id: 1, result: { content: [] } }]);
    await transport.close();
  });

  it("delivers a refusal's JSON-RPC error for the request; a refusal without one is a StreamableHTTPError", async () => {
    const { url } = await serve((entry, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      const id = entry.body.id === 1 ? 1 : null;
      res.end(JSON.stringify({ jsonrpc: '2.0', id, error: { code: -32022, message: 'unsupported', data: {} } }));
    });
    const transport = new ModernHttpTransport(url);
    const received = collect(transport);
    await transport.send({ jsonrpc: '2.0', id: 1, method: 'server/discover' });
    expect(received).toEqual([{ jsonrpc: '2.0', id: 1, error: { code: -32022, message: 'unsupported', data: {} } }]);
    await expect(transport.send({ jsonrpc: '2.0', id: 2, method: 'tools/list' })).rejects.toBeInstanceOf(
      StreamableHTTPError,
    );
    await transport.close();
  });

  it('ends the exchange of a cancelled request (how a stateless server learns of it)', async () => {
    const { url, closed } = await serve((_entry, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(': open\n\n');
    });
    const transport = new ModernHttpTransport(url);
    collect(transport);
    await transport.send({ jsonrpc: '2.0', id: 7, method: 'tools/call', params: { name: 'slow' } });
    await transport.send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 7 } });
    await expect(waitUntil(() => closed.includes(7))).resolves.toBe(true);
    await transport.close();
  });

  it('encodes header values that are not plain ASCII', () => {
    expect(encodeHeaderValue('plain_name')).toBe('plain_name');
    expect(encodeHeaderValue(' padded')).toBe(`=?base64?${Buffer.from(' padded').toString('base64')}?=`);
    expect(encodeHeaderValue('')).toBe('=?base64??=');
  });
});

async function waitUntil(condition: () => boolean): Promise<boolean> {
  for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
  return condition();
}
