// MCP sessions on the gateway: independent per client, ended by DELETE, and bound to the route that created them.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { LATEST_PROTOCOL_VERSION, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { everythingStdioCommand } from './helpers/everything-server.js';
import {
  closeAndReap,
  connectClient,
  httpTransportOf,
  postJsonRpc,
  startTestGateway,
  type TestGateway,
} from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { isAlive } from './helpers/processes.js';

jest.setTimeout(30_000);

let gateway: TestGateway;
const clients: Client[] = [];
const gatewayPids: number[] = [];

beforeAll(async () => {
  gateway = await startTestGateway(
    { server: { request_timeout: '10s' }, backends: { everything: stdioBackend(everythingStdioCommand()) } },
    { ready: ['everything'] },
  );
  gatewayPids.push(...gateway.backendPids());
});

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
  const survivors = gateway ? await closeAndReap(gateway) : [];
  expect(survivors).toEqual([]);
  expect(gatewayPids.filter(isAlive)).toEqual([]);
});

async function connect(path: string): Promise<Client> {
  const client = await connectClient(`${gateway.baseUrl}${path}`);
  clients.push(client);
  return client;
}

async function echo(client: Client, message: string): Promise<string> {
  const result = (await client.callTool({
    name: 'gateway_invoke',
    arguments: { server: 'everything', tool: 'echo', arguments: { message } },
  })) as CallToolResult;
  expect(result.isError).toBeFalsy();
  return firstText(result);
}

/** A raw tools/list POST carrying `sessionId`, as a client that kept the id would send it. */
function rawToolsList(path: string, sessionId: string) {
  return postJsonRpc(
    `${gateway.baseUrl}${path}`,
    { jsonrpc: '2.0', id: 99, method: 'tools/list', params: {} },
    { 'mcp-session-id': sessionId, 'mcp-protocol-version': LATEST_PROTOCOL_VERSION },
  );
}

describe('sessions on /mcp', () => {
  it('two clients get different sessions and work independently, then one ends without touching the other', async () => {
    const [a, b] = await Promise.all([connect('/mcp'), connect('/mcp')]);
    const idA = httpTransportOf(a).sessionId;
    const idB = httpTransportOf(b).sessionId;
    expect(idA).toEqual(expect.any(String));
    expect(idB).toEqual(expect.any(String));
    expect(idA).not.toBe(idB);

    // Interleaved: each client's answers are its own.
    const rounds = await Promise.all(
      [0, 1, 2].flatMap((i) => [echo(a, `a-${i}`), echo(b, `b-${i}`), a.listTools(), b.listTools()]),
    );
    const texts = rounds.filter((value): value is string => typeof value === 'string');
    expect(texts).toEqual(['a-0', 'b-0', 'a-1', 'b-1', 'a-2', 'b-2'].map((m) => expect.stringContaining(m)));

    // A raw request with A's id works while the session lives...
    expect((await rawToolsList('/mcp', idA!)).status).toBe(200);
    await httpTransportOf(a).terminateSession();
    // ...and is 404 once the client has ended it with DELETE.
    const afterDelete = await rawToolsList('/mcp', idA!);
    expect(afterDelete.status).toBe(404);
    expect(afterDelete.body).toMatchObject({ jsonrpc: '2.0', error: { code: expect.any(Number) } });

    expect(await echo(b, 'still here')).toContain('still here');
    expect((await rawToolsList('/mcp', idB!)).status).toBe(200);
  });

  it('a session id from /mcp is unknown on /mcp/everything (404)', async () => {
    const client = await connect('/mcp');
    const id = httpTransportOf(client).sessionId!;
    expect((await rawToolsList('/mcp/everything', id)).status).toBe(404);
    // The session itself is unharmed.
    expect((await rawToolsList('/mcp', id)).status).toBe(200);
  });

  it('a session id from /mcp/everything is unknown on /mcp (404)', async () => {
    const client = await connect('/mcp/everything');
    const id = httpTransportOf(client).sessionId!;
    expect((await rawToolsList('/mcp', id)).status).toBe(404);
    expect((await client.callTool({ name: 'echo', arguments: { message: 'ok' } })).isError).toBeFalsy();
  });
});
