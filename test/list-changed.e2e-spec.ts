// Issue 4: a backend's tools/list_changed reaches the clients that see those tools, and search follows the change.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { faultStdioCommand } from './helpers/fault.js';
import { connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { waitFor } from './helpers/processes.js';

jest.setTimeout(60_000);

/** A client that counts the tools/list_changed notifications it receives. */
async function listening(url: string): Promise<{ client: Client; changes: () => number }> {
  const client = await connectClient(url);
  let count = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void count++);
  return { client, changes: () => count };
}

describe.each([
  ['meta', true],
  ['aggregated', false],
])('tools/list_changed in %s mode', (_mode, metaMode) => {
  let gateway: TestGateway;
  const clients: Client[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway(
      { meta_mcp: { enabled: metaMode }, backends: { fault: stdioBackend(faultStdioCommand()) } },
      { ready: ['fault'] },
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await gateway?.close();
  });

  it('tells /mcp/{backend} clients and updates what /mcp offers', async () => {
    const direct = await listening(`${gateway.baseUrl}/mcp/fault`);
    const gatewayClient = await listening(`${gateway.baseUrl}/mcp`);
    clients.push(direct.client, gatewayClient.client);
    expect((await direct.client.listTools()).tools.map((tool) => tool.name)).not.toContain('extra_tool');

    expect(firstText(await direct.client.callTool({ name: 'toggle_extra_tool', arguments: {} }))).toBe('extra_tool on');
    await waitFor(() => direct.changes() > 0, { timeoutMs: 5000, description: 'list_changed at the direct client' });
    expect((await direct.client.listTools()).tools.map((tool) => tool.name)).toContain('extra_tool');

    if (metaMode) {
      // The meta surface's own four tools never change; search sees the new tool without any listing.
      const search = async () => {
        const result = await gatewayClient.client.callTool({
          name: 'gateway_search_tools',
          arguments: { query: 'summarize quarterly spreadsheet totals', limit: 3 },
        });
        return (result.structuredContent as { matches: Array<{ tool: string }> }).matches.map((match) => match.tool);
      };
      await waitFor(async () => (await search()).includes('extra_tool'), {
        timeoutMs: 5000,
        description: 'search to find the new tool',
      });
      expect(gatewayClient.changes()).toBe(0);
    } else {
      await waitFor(() => gatewayClient.changes() > 0, { timeoutMs: 5000, description: 'list_changed at /mcp' });
      const names = (await gatewayClient.client.listTools()).tools.map((tool) => tool.name);
      expect(names).toContain('fault__extra_tool');
      expect(firstText(await gatewayClient.client.callTool({ name: 'fault__extra_tool', arguments: {} }))).toBe(
        'extra',
      );
    }

    // And back: the tool disappears again.
    await direct.client.callTool({ name: 'toggle_extra_tool', arguments: {} });
    await waitFor(async () => !(await direct.client.listTools()).tools.some((tool) => tool.name === 'extra_tool'), {
      timeoutMs: 5000,
      description: 'extra_tool to be gone',
    });
  });
});
