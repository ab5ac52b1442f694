// What one stdio backend can see of the gateway and of other clients: its environment (issue 12 item 8) and how many
// processes client sessions may cost (item 9), through the real gateway and real MCP clients.
import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';

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
