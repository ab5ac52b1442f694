// A backend's error text reaches clients and /health with credentials masked, as the logs have them.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText } from './helpers/gateway-config.js';
import { waitFor } from './helpers/processes.js';

jest.setTimeout(60_000);

const LEAK = 'hunter2';
const ERROR_BODY = `internal error: db password=${LEAK} rejected`;

/**
 * A Streamable HTTP MCP server by hand: it initializes and lists one tool, and answers every tools/call with an HTTP
 * 500 whose body names its database password. With `brokenFromStart` every request gets that 500.
 */
function startLeakyBackend(brokenFromStart: boolean): Promise<{ server: Server; url: string }> {
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method !== 'POST') return void res.writeHead(405).end();
      const message = JSON.parse(body) as { id?: number; method: string };
      if (brokenFromStart || message.method === 'tools/call') return void res.writeHead(500).end(ERROR_BODY);
      if (message.id === undefined) return void res.writeHead(202).end();
      const results: Record<string, unknown> = {
        initialize: {
          protocolVersion: '2025-06-18',
          capabilities: { tools: {} },
          serverInfo: { name: 'leaky', version: '1.0.0' },
        },
        'tools/list': { tools: [{ name: 'query', inputSchema: { type: 'object' } }] },
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: results[message.method] ?? {} }));
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () =>
      resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp` }),
    ),
  );
}

describe('backend error text reaching clients', () => {
  let leaky: { server: Server; url: string };
  let broken: { server: Server; url: string };
  let gateway: TestGateway;
  let client: Client | undefined;

  beforeAll(async () => {
    leaky = await startLeakyBackend(false);
    broken = await startLeakyBackend(true);
    gateway = await startTestGateway(
      {
        failsafe: { retry: { enabled: false } },
        backends: {
          leaky: { http_url: leaky.url, transport: 'streamable_http' },
          broken: { http_url: broken.url, transport: 'streamable_http' },
        },
      },
      { ready: ['leaky'] },
    );
  });

  afterAll(async () => {
    await client?.close();
    await gateway?.close();
    leaky?.server.close();
    broken?.server.close();
  });

  it('masks a password in an HTTP 500 body on /mcp/{backend}, in /health and through gateway_invoke', async () => {
    client = await connectClient(`${gateway.baseUrl}/mcp/leaky`);
    const direct = await client.callTool({ name: 'query', arguments: {} }).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(direct).toContain('password=***');
    expect(direct).not.toContain(LEAK);
    await client.close();

    client = await connectClient(`${gateway.baseUrl}/mcp`);
    const viaMeta = firstText(
      await client.callTool({ name: 'gateway_invoke', arguments: { server: 'leaky', tool: 'query', arguments: {} } }),
    );
    expect(viaMeta).toContain('password=***');
    expect(viaMeta).not.toContain(LEAK);

    // A backend that never starts: its failure is the tool error's reason.
    const unavailable = firstText(
      await client.callTool({ name: 'gateway_invoke', arguments: { server: 'broken', tool: 'query', arguments: {} } }),
    );
    expect(unavailable).toContain('Server broken is unavailable');
    expect(unavailable).not.toContain(LEAK);

    const health = await waitFor(
      async () => {
        const reply = await gateway.get('/health');
        const backends = (reply.body as { backends: Record<string, { last_error?: string }> }).backends;
        return backends.leaky.last_error && backends.broken.last_error ? reply : undefined;
      },
      { description: 'last_error of both backends in /health' },
    );
    expect(health.text).toContain('password=***');
    expect(health.text).not.toContain(LEAK);
  });
});
