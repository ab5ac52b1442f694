// Optional dense retrieval (meta_mcp.search.embeddings) end to end: the real gateway with server-memory and
// server-everything as stdio backends, a fixture OpenAI-compatible embeddings endpoint on 127.0.0.1 (a deterministic
// toy model), and an SDK client calling gateway_search_tools over Streamable HTTP.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayHealth } from '@gateway/health';
import { startEmbeddings, type RunningEmbeddings } from './helpers/embeddings-server.js';
import { everythingStdioCommand, memoryStdioCommand } from './helpers/everything-server.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { waitFor } from './helpers/processes.js';

jest.setTimeout(60_000);

const API_KEY = 'sk-fixture-embeddings-0123456789';

let embeddings: RunningEmbeddings;
let gateway: TestGateway;
let client: Client;

interface Found {
  matches: { server: string; tool: string; score: number }[];
  total: number;
  hint?: string;
}

async function search(query: string): Promise<Found> {
  const result = (await client.callTool({ name: 'gateway_search_tools', arguments: { query } })) as CallToolResult;
  expect(result.isError).toBeFalsy();
  return result.structuredContent as unknown as Found;
}

async function embeddingsHealth(): Promise<{ status: string; reason?: string }> {
  const { body } = await gateway.get('/health');
  return (body as GatewayHealth).components!.search_embeddings;
}

const toolInputs = () => embeddings.requests.filter((r) => r.input.length > 1 || r.input[0].includes('\n'));

beforeAll(async () => {
  embeddings = await startEmbeddings();
  gateway = await startTestGateway(
    {
      server: { request_timeout: '10s' },
      meta_mcp: { search: { embeddings: { url: embeddings.url, model: 'toy', api_key: API_KEY, weight: 0.7 } } },
      backends: {
        everything: stdioBackend(everythingStdioCommand()),
        memory: stdioBackend(memoryStdioCommand()),
      },
    },
    { ready: ['everything', 'memory'] },
  );
  client = await connectClient(`${gateway.baseUrl}/mcp`);
  await waitFor(async () => (await embeddingsHealth()).status === 'up', {
    timeoutMs: 20_000,
    intervalMs: 100,
    description: 'tool embeddings computed',
  });
});

afterAll(async () => {
  await client?.close();
  const survivors = gateway ? await closeAndReap(gateway) : [];
  await embeddings?.stop().catch(() => undefined);
  expect(survivors).toEqual([]);
});

describe('gateway_search_tools with an embeddings endpoint', () => {
  it('embeds every tool once, with the configured model and key', async () => {
    const embedded = toolInputs().flatMap((r) => r.input);
    const registryTools = ((await client.callTool({ name: 'gateway_list_servers', arguments: {} })) as CallToolResult)
      .structuredContent as { servers: { tools_count: number | null }[] };
    const count = registryTools.servers.reduce((n, s) => n + (s.tools_count ?? 0), 0);
    expect(new Set(embedded).size).toBe(embedded.length);
    expect(embedded.length).toBe(count);
    for (const request of embeddings.requests) {
      expect(request.model).toBe('toy');
      expect(request.authorization).toBe(`Bearer ${API_KEY}`);
    }
  });

  it('fuses the dense ranking in: a request that names no tool word finds the memory tools first', async () => {
    const before = embeddings.requests.length;
    const found = await search('remember that Bob prefers email');
    expect(found.matches[0].server).toBe('memory');
    // One request for the query; the catalog was not embedded again.
    expect(embeddings.requests.length).toBe(before + 1);
    expect(embeddings.requests.at(-1)!.input).toEqual(['remember that Bob prefers email']);
    await search('remember that Bob prefers email');
    expect(embeddings.requests.length).toBe(before + 2);
  });

  it('with the endpoint down, lexical search answers alone and /health says why, without the key', async () => {
    expect(await embeddingsHealth()).toEqual({ status: 'up' });
    await embeddings.stop();
    const found = await search('add two numbers');
    expect(found.matches[0]).toMatchObject({ server: 'everything', tool: 'get-sum' });
    const part = await embeddingsHealth();
    expect(part.status).toBe('down');
    expect(part.reason).toContain(embeddings.url);
    expect(part.reason).toMatch(/lexically alone/);
    const { body, text } = await gateway.get('/health');
    expect((body as GatewayHealth).status).toBe('healthy');
    expect(text).not.toContain(API_KEY);
  });
});
