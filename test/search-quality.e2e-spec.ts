// Search quality end to end: the 70 LiveMCPBench servers as real HTTP backends of a real gateway, every dev query
// sent through gateway_search_tools over MCP, scored with the dataset's own metrics; and the requests of issue 17 as a
// new user types them, with the four reference servers (filesystem, memory, sequential-thinking, everything) behind a
// gateway of their own. Reads ../shared/datasets/livemcpbench (beside the repository, not in it); without it the
// suite fails naming the missing file (readShared).
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { catalogBackends, loadCatalog, startCatalogHttp, type RunningCatalog } from './helpers/catalog.js';
import { everythingStdioCommand, memoryStdioCommand } from './helpers/everything-server.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { fromRoot, isAlive, waitFor } from './helpers/processes.js';
import { evaluate, loadQueries, type EvalResult } from './support/livemcpbench.js';

jest.setTimeout(60_000);

// The same floors as the in-process LiveMCPBench test in libs/meta-mcp/src/search/tool-search.index.spec.ts: going
// through MCP, HTTP backends and the gateway's own index must not cost any ranking quality.
const FLOOR = { recall5: 48, ndcg5: 46 };

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

describe('a new user with filesystem, memory, sequential-thinking and everything behind the gateway', () => {
  let own: TestGateway;
  let user: Client;
  let root: string;
  const names = ['filesystem', 'memory', 'sequential-thinking', 'everything'];

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'search-quality-fs-'));
    own = await startTestGateway(
      {
        server: { request_timeout: '10s' },
        backends: {
          filesystem: stdioBackend({ command: fromRoot('node_modules/.bin/mcp-server-filesystem'), args: [root] }),
          memory: stdioBackend(memoryStdioCommand(join(root, 'memory.jsonl'))),
          'sequential-thinking': stdioBackend({
            command: fromRoot('node_modules/.bin/mcp-server-sequential-thinking'),
            args: [],
          }),
          everything: stdioBackend(everythingStdioCommand()),
        },
      },
      { ready: names, timeoutMs: 45_000 },
    );
    user = await connectClient(`${own.baseUrl}/mcp`);
    await waitFor(
      async () => {
        const result = (await user.callTool({ name: 'gateway_list_servers', arguments: {} })) as CallToolResult;
        const servers = (result.structuredContent as { servers: ServerEntry[] }).servers;
        return names.every((name) => servers.some((s) => s.name === name && (s.tools_count ?? 0) > 0));
      },
      { timeoutMs: 30_000, intervalMs: 100, description: 'the four reference servers have tool lists' },
    );
  }, 60_000);

  afterAll(async () => {
    await user?.close();
    const survivors = own ? await closeAndReap(own) : [];
    if (root) rmSync(root, { recursive: true, force: true });
    expect(survivors).toEqual([]);
  });

  async function ask(query: string): Promise<SearchResult & { partial?: boolean; hint?: string }> {
    const result = (await user.callTool({
      name: 'gateway_search_tools',
      arguments: { query, limit: 10 },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    return result.structuredContent as unknown as SearchResult & { partial?: boolean; hint?: string };
  }
  const ids = (found: SearchResult) => found.matches.map((m) => `${m.server}/${m.tool}`);

  it('"remember that Bob prefers email" puts the memory tools that store a fact at the top', async () => {
    const found = await ask('remember that Bob prefers email');
    const ranked = ids(found);
    expect(ranked[0]).toMatch(/^memory\//);
    expect(ranked.slice(0, 5).filter((id) => id.startsWith('memory/')).length).toBeGreaterThanOrEqual(4);
    // The memory tools tie on this request (it names none of them), so their order among themselves is arbitrary;
    // both that store a fact are among the first ten, above everything but one tool of another server.
    expect(ranked.slice(0, 10)).toEqual(expect.arrayContaining(['memory/create_entities', 'memory/add_observations']));
    expect(ranked.slice(0, 10).filter((id) => !id.startsWith('memory/')).length).toBeLessThanOrEqual(1);
    // No word of it is in any tool: the client is told so and pointed at the full lists.
    expect(found.hint).toMatch(/gateway_list_tools/);
  });

  it('"store a memory" ranks every memory tool that stores something above write_file', async () => {
    const ranked = ids(await ask('store a memory'));
    expect(ranked[0]).toMatch(/^memory\//);
    const writeFile = ranked.indexOf('filesystem/write_file');
    for (const id of ['memory/create_entities', 'memory/add_observations', 'memory/create_relations']) {
      expect(ranked).toContain(id);
      if (writeFile >= 0) expect(ranked.indexOf(id)).toBeLessThan(writeFile);
    }
  });

  it('"delete a file" answers with filesystem tools, not memory/delete_relations', async () => {
    const ranked = ids(await ask('delete a file'));
    expect(ranked[0]).toMatch(/^filesystem\//);
    // No tool here deletes files: file tools (those that change files first), and nothing deleting graph entries.
    expect(ranked.slice(0, 5).every((id) => /file/.test(id))).toBe(true);
    expect(ranked.slice(0, 5).some((id) => id.startsWith('memory/'))).toBe(false);
  });

  it('the obvious ones come first', async () => {
    expect(ids(await ask('add two numbers'))[0]).toBe('everything/get-sum');
    expect(ids(await ask('think through a problem step by step'))[0]).toBe('sequential-thinking/sequentialthinking');
    expect(ids(await ask('search the knowledge graph'))[0]).toBe('memory/search_nodes');
    expect(ids(await ask('list files in a directory'))[0]).toBe('filesystem/list_directory');
  });
});
