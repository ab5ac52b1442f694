// What one stdio backend can see of the gateway and of other clients: its environment (issue 12 item 8) and how many
// processes client sessions may cost (item 9), through the real gateway and real MCP clients.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ListRootsRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { childPids } from './helpers/proc-tree.js';
import { waitFor } from './helpers/processes.js';
import { parsePrometheusText, sampleValue } from './helpers/prometheus-text.js';

jest.setTimeout(60_000);

const clients: Client[] = [];
afterEach(async () => {
  await Promise.allSettled(clients.splice(0).map((client) => client.close()));
});

async function envOf(gateway: TestGateway, backend: string): Promise<Record<string, string>> {
  const client = await connectClient(`${gateway.baseUrl}/mcp/${backend}`);
  clients.push(client);
  return JSON.parse(firstText(await client.callTool({ name: 'get-env', arguments: {} }))) as Record<string, string>;
}

describe('a stdio backend gets a minimal environment', () => {
  let gateway: TestGateway;
  const saved = { ...process.env };

  beforeAll(async () => {
    // The gateway's own environment: an operator's token, one meant for an HTTP backend's header, and one opted in.
    process.env.GW_E2E_OPERATOR_TOKEN = 'operator-token-never-shared';
    process.env.GW_E2E_SEARCH_TOKEN = 'search-token-for-headers-only';
    process.env.GW_E2E_OPTED_IN = 'opted-in-value';
    process.env.LC_TIME = 'C.UTF-8';
    gateway = await startTestGateway(
      {
        backends: {
          everything: stdioBackend(everythingStdioCommand(), { env: { OWN_SETTING: 'own-value' } }),
          opted: stdioBackend(everythingStdioCommand(), { inherit_env: ['GW_E2E_OPTED_IN'] }),
        },
      },
      { ready: ['everything', 'opted'] },
    );
  });

  afterAll(async () => {
    await closeAndReap(gateway);
    process.env = saved;
  });

  it("a client calling get-env sees no secret of the gateway's, only the minimal set and the backend's own env", async () => {
    const env = await envOf(gateway, 'everything');
    const values = Object.values(env).join('\n');
    expect(values).not.toContain('operator-token-never-shared');
    expect(values).not.toContain('search-token-for-headers-only');
    expect(values).not.toContain('opted-in-value');
    expect(env.OWN_SETTING).toBe('own-value');
    expect(env.HOME).toBe(process.env.HOME);
    expect(env.LC_TIME).toBe('C.UTF-8');
    // PATH is inherited, with the gateway's node_modules/.bin appended.
    expect(env.PATH.startsWith(`${process.env.PATH}:`)).toBe(true);
    expect(env.PATH).toMatch(/node_modules\/\.bin$/);
  });

  it('a name listed in inherit_env is passed on, and nothing else', async () => {
    const env = await envOf(gateway, 'opted');
    expect(env.GW_E2E_OPTED_IN).toBe('opted-in-value');
    expect(Object.values(env).join('\n')).not.toContain('operator-token-never-shared');
  });
});

describe('per-client backend connections are capped and close when idle', () => {
  const CAP = 2;
  let gateway: TestGateway;
  /** Backend processes: the children of this process, which runs the gateway in-process. */
  const backendProcesses = () => childPids(process.pid).length;

  beforeAll(async () => {
    gateway = await startTestGateway(
      {
        backends: {
          everything: stdioBackend(everythingStdioCommand(), {
            max_client_connections: CAP,
            client_connection_idle: '1500ms',
          }),
        },
      },
      { ready: ['everything'] },
    );
  });

  afterAll(async () => {
    expect(await closeAndReap(gateway)).toEqual([]);
  });

  /** An IDE-like client: declares roots and answers roots/list. */
  async function ideClient(index: number): Promise<Client> {
    const client = await connectClient(`${gateway.baseUrl}/mcp/everything`, { roots: { listChanged: true } });
    client.setRequestHandler(ListRootsRequestSchema, () => ({ roots: [{ uri: `file:///work/ide-${index}` }] }));
    clients.push(client);
    return client;
  }

  async function metric(name: string): Promise<number> {
    return sampleValue(parsePrometheusText((await gateway.get('/metrics')).text), name, { backend: 'everything' });
  }

  it('clients beyond max_client_connections share the one connection: processes stay at cap + 1, metrics say so', async () => {
    expect(backendProcesses()).toBe(1);
    const ides = [];
    for (let i = 0; i < CAP + 3; i++) ides.push(await ideClient(i));
    for (const ide of ides) expect((await ide.listTools()).tools.length).toBeGreaterThan(0);
    // Every client is served, the ones over the cap by the shared connection.
    for (const ide of ides) {
      const echoed = await ide.callTool({ name: 'echo', arguments: { message: 'hi' } });
      expect(firstText(echoed)).toContain('hi');
    }
    expect(backendProcesses()).toBe(CAP + 1);
    expect(await metric('mcp_gateway_backend_client_connections')).toBe(CAP);
    expect(await metric('mcp_gateway_client_connection_fallbacks_total')).toBe(3);

    // Unused for client_connection_idle, the per-client connections (and their processes) are closed ...
    await waitFor(() => backendProcesses() === 1, {
      timeoutMs: 10_000,
      description: 'idle per-client processes ended',
    });
    expect(await metric('mcp_gateway_backend_client_connections')).toBe(0);
    // ... and a client that comes back gets its own again.
    expect((await ides[0].listTools()).tools.length).toBeGreaterThan(0);
    expect(backendProcesses()).toBe(2);
  });
});
