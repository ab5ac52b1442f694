// Search quality end to end: the 70 LiveMCPBench servers as real HTTP backends of a real gateway, every dev query
// sent through gateway_search_tools over MCP, scored with the dataset's own metrics. Reads ../shared/datasets/
// livemcpbench (beside the repository, not in it); without it the suite fails naming the missing file (readShared).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { catalogBackends, loadCatalog, startCatalogHttp, type RunningCatalog } from './helpers/catalog.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { isAlive, waitFor } from './helpers/processes.js';
import { evaluate, loadQueries, type EvalResult } from './support/livemcpbench.js';

jest.setTimeout(60_000);

// The same floors as the in-process LiveMCPBench test in libs/meta-mcp/src/search/tool-search.index.spec.ts: going
// through MCP, HTTP backends and the gateway's own index must not cost any ranking quality.
const FLOOR = { recall5: 45, ndcg5: 42 };

interface Match {
  server: string;
  tool: string;
  description: string;
  score: number;
  inputSchema: Record<string, unknown>;
}
interface SearchResult {
  query: string;
  matches: Match[];
  total: number;
}
interface ServerEntry {
  name: string;
  status: string;
  tools_count: number | null;
}

let catalog: RunningCatalog;
let gateway: TestGateway;
let client: Client;
let backendNames: string[];

beforeAll(async () => {
  catalog = await startCatalogHttp();
  const backends = catalogBackends(catalog.baseUrl);
  backendNames = Object.keys(backends);
  gateway = await startTestGateway({ server: { request_timeout: '10s' }, backends });
  client = await connectClient(`${gateway.baseUrl}/mcp`);
  // Every backend has listed its tools once gateway_list_servers shows a count for each.
  await waitFor(
    async () => {
      const servers = (await call<{ servers: ServerEntry[] }>('gateway_list_servers', {})).servers;
      return servers.length === backendNames.length && servers.every((server) => server.tools_count !== null);
    },
    { timeoutMs: 45_000, intervalMs: 250, description: 'every catalog backend has a tool list' },
  );
}, 60_000);

afterAll(async () => {
  await client?.close();
  const survivors = gateway ? await closeAndReap(gateway) : [];
  await catalog?.stop();
  expect(survivors).toEqual([]);
  if (catalog) expect(isAlive(catalog.pid)).toBe(false);
});

async function call<T>(name: string, args: Record<string, unknown>): Promise<T> {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  if (result.isError) throw new Error(`${name} failed: ${JSON.stringify(result.content)}`);
  return result.structuredContent as T;
}

function search(args: { query: string; limit?: number; server?: string }): Promise<SearchResult> {
  return call<SearchResult>('gateway_search_tools', args);
}

describe('gateway_search_tools over the LiveMCPBench catalog', () => {
  it('indexes every catalog tool', async () => {
    const servers = (await call<{ servers: ServerEntry[] }>('gateway_list_servers', {})).servers;
    const counts = servers.reduce((sum, server) => sum + (server.tools_count ?? 0), 0);
    expect(counts).toBe(loadCatalog().reduce((sum, entry) => sum + entry.tools.length, 0));
  });

  it('meets the dev floor for Recall@5 and nDCG@5', async () => {
    const queries = loadQueries('dev');
    const answers = new Map<string, string[]>();
    // Sequential: the point is what one client sees, not throughput.
    for (const { query } of queries) {
      const { matches } = await search({ query, limit: 10 });
      answers.set(
        query,
        matches.map((match) => match.tool),
      );
    }
    const result: EvalResult = evaluate((query) => answers.get(query) ?? [], 'dev');
    process.stdout.write(`search-quality dev via MCP: ${JSON.stringify(result)}\n`);
    expect(result.n).toBe(queries.length);
    expect(result.recall5).toBeGreaterThanOrEqual(FLOOR.recall5);
    expect(result.ndcg5).toBeGreaterThanOrEqual(FLOOR.ndcg5);
  });

  it('respects limit', async () => {
    const query = 'search the web for recent news articles';
    const wide = await search({ query, limit: 10 });
    expect(wide.matches).toHaveLength(10);
    expect(wide.total).toBeGreaterThanOrEqual(10);
    const narrow = await search({ query, limit: 3 });
    expect(narrow.matches).toHaveLength(3);
    expect(narrow.matches.map((m) => `${m.server}/${m.tool}`)).toEqual(
      wide.matches.slice(0, 3).map((m) => `${m.server}/${m.tool}`),
    );
    expect((await search({ query })).matches.length).toBeLessThanOrEqual(10);
  });

  it('respects the server filter', async () => {
    // The catalog server with the most tools, searched with words that also match tools of other servers.
    const entries = loadCatalog();
    const index = entries.reduce((best, entry, i) => (entry.tools.length > entries[best].tools.length ? i : best), 0);
    const server = backendNames[index];
    const toolNames = new Set(entries[index].tools.map((tool) => tool.name));
    const query = entries[index].tools[0].description || entries[index].tools[0].name;
    const everywhere = await search({ query, limit: 50 });
    expect(everywhere.matches.some((match) => match.server !== server)).toBe(true);

    const { matches, total } = await search({ query, server, limit: 50 });
    expect(matches.length).toBeGreaterThan(0);
    expect(total).toBeLessThanOrEqual(toolNames.size);
    for (const match of matches) {
      expect(match.server).toBe(server);
      expect(toolNames.has(match.tool)).toBe(true);
    }
  });

  it('an unknown server in the filter is a tool error listing known servers', async () => {
    const result = (await client.callTool({
      name: 'gateway_search_tools',
      arguments: { query: 'anything', server: 'no-such-server' },
    })) as CallToolResult;
    expect(result.isError).toBe(true);
    expect(JSON.stringify(result.content)).toContain(backendNames[0]);
  });
});
