// server.max_sessions and server.session_idle_timeout: a client opening sessions in a loop gets 503 with
// Retry-After at the cap while every existing session keeps working, and sessions nobody uses are closed.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SessionRegistry } from '@gateway/meta-mcp';
import { closeAndReap, connectClient, httpTransportOf, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { waitFor } from './helpers/processes.js';
import { mcpPostHeaders, rawRequest } from './helpers/raw-http.js';
import { expectJsonRpcError, initializeBody, openRawSession, sessionHeaders } from './helpers/raw-session.js';

jest.setTimeout(30_000);

let gateway: TestGateway;
let url: string;
let sessions: SessionRegistry;
const clients: Client[] = [];

beforeAll(async () => {
  gateway = await startTestGateway({ server: { max_sessions: 3, session_idle_timeout: '1s' } });
  url = `${gateway.baseUrl}/mcp`;
  sessions = gateway.app.get(SessionRegistry);
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close()));
  if (gateway) expect(await closeAndReap(gateway)).toEqual([]);
});

/** SDK clients keep their GET stream open: a session with a stream open is in use, however long it stays silent. */
async function connectBusyClient(): Promise<Client> {
  const client = await connectClient(url);
  clients.push(client);
  const id = httpTransportOf(client).sessionId!;
  await waitFor(() => sessions.get(id)?.transport.busy, { description: 'the client’s GET stream open' });
  return client;
}

describe('server.max_sessions (3 here)', () => {
  it('refuses a new session at the cap with 503, Retry-After and a JSON-RPC error; the others keep working', async () => {
    const [a, b, c] = [await connectBusyClient(), await connectBusyClient(), await connectBusyClient()];
    const refused = await rawRequest(url, { headers: mcpPostHeaders(), body: initializeBody() });
    expect(expectJsonRpcError(refused, 503, -32000)).toContain('maximum of 3 MCP sessions (server.max_sessions)');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(refused.headers['mcp-session-id']).toBeUndefined();
    expect(sessions.size).toBe(3);
    for (const client of [a, b, c]) expect((await client.listTools()).tools.length).toBe(4);

    // A session ended with DELETE makes room at once.
    await httpTransportOf(c).terminateSession();
    await c.close();
    clients.splice(clients.indexOf(c), 1);
    const again = await rawRequest(url, { headers: mcpPostHeaders(), body: initializeBody() });
    expect(again.status).toBe(200);
  });
});

describe('server.session_idle_timeout (1s here)', () => {
  it('closes a session unused for the timeout; one with its GET stream open stays', async () => {
    // The session opened last in the previous test, never used since, goes first and makes room.
    await waitFor(() => sessions.size < 3, { timeoutMs: 10_000, intervalMs: 100, description: 'a free slot' });
    const idle = await openRawSession(url);
    // Read without touching it: get() would count as use.
    await waitFor(() => !sessions.forRoute('/mcp').some((s) => s.transport.sessionId === idle), {
      timeoutMs: 10_000,
      intervalMs: 100,
      description: 'the idle session closed',
    });
    const late = await rawRequest(url, {
      headers: sessionHeaders(idle),
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(expectJsonRpcError(late, 404, -32001)).toContain('Session not found');
    for (const client of clients) expect((await client.listTools()).tools.length).toBe(4);
  });
});
