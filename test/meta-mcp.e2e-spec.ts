// /mcp in Meta-MCP mode, seen by the SDK's own Client over Streamable HTTP against the real running gateway, with
// server-everything, server-memory and the fault server as stdio backends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { McpError, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { AjvJsonSchemaValidator } from '@modelcontextprotocol/sdk/validation/ajv';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { everythingStdioCommand, memoryStdioCommand } from './helpers/everything-server.js';
import { faultStdioCommand, readCallLog } from './helpers/fault.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { isAlive } from './helpers/processes.js';

jest.setTimeout(30_000);

const META_TOOL_NAMES = ['gateway_invoke', 'gateway_list_servers', 'gateway_list_tools', 'gateway_search_tools'];

let gateway: TestGateway;
let client: Client;
let direct: Client;
let directPid: number | undefined;
let tempDir: string;
let callLog: string;
let memoryDir: string;
const gatewayPids: number[] = [];

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'meta-mcp-e2e-'));
  callLog = join(tempDir, 'fault-calls.log');
  const memory = memoryStdioCommand();
  memoryDir = dirname(memory.env.MEMORY_FILE_PATH);
  const directTransport = new StdioClientTransport({ ...everythingStdioCommand(), stderr: 'ignore' });
  direct = new Client({ name: 'direct', version: '1.0.0' }, { capabilities: {} });
  [gateway] = await Promise.all([
    startTestGateway(
      {
        server: { request_timeout: '10s' },
        backends: {
          everything: stdioBackend(everythingStdioCommand(), { description: 'MCP reference server with test tools' }),
          fault: stdioBackend(faultStdioCommand(), { env: { FAULT_CALL_LOG: callLog }, description: 'Fault fixture' }),
          memory: stdioBackend(memory, { description: 'Knowledge graph memory' }),
          broken: stdioBackend(faultStdioCommand(), { env: { FAULT_EXIT_ON_START: '1' } }),
        },
      },
      { ready: ['everything', 'fault', 'memory'] },
    ),
    direct.connect(directTransport),
  ]);
  directPid = directTransport.pid ?? undefined;
  gatewayPids.push(...gateway.backendPids());
  client = await connectClient(`${gateway.baseUrl}/mcp`);
});

afterAll(async () => {
  await client?.close();
  await direct?.close();
  const survivors = gateway ? await closeAndReap(gateway) : [];
  rmSync(tempDir, { recursive: true, force: true });
  rmSync(memoryDir, { recursive: true, force: true });
  expect(survivors).toEqual([]);
  expect(gatewayPids.filter(isAlive)).toEqual([]);
  if (directPid) expect(isAlive(directPid)).toBe(false);
});

function invoke(server: string, tool: string, args?: Record<string, unknown>) {
  return client.callTool({
    name: 'gateway_invoke',
    arguments: { server, tool, ...(args ? { arguments: args } : {}) },
  }) as Promise<CallToolResult>;
}

describe('the /mcp surface', () => {
  it('initialize names the gateway and gives instructions', () => {
    expect(client.getServerVersion()?.name).toBe('mcp-gateway');
    expect(client.getInstructions()?.trim().length).toBeGreaterThan(0);
  });

  it('tools/list is exactly the four meta-tools, costing under 600 tokens', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(META_TOOL_NAMES);
    expect(encode(JSON.stringify({ tools })).length).toBeLessThan(600);
  });
});

describe('gateway_list_servers', () => {
  it('lists every backend with status, transport and tool count, as structuredContent and the same JSON as text', async () => {
    const { tools } = await client.listTools();
    const definition = tools.find((tool) => tool.name === 'gateway_list_servers')!;
    const result = (await client.callTool({ name: 'gateway_list_servers', arguments: {} })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    expect(JSON.parse(firstText(result))).toEqual(result.structuredContent);
    const valid = new AjvJsonSchemaValidator().getValidator(definition.outputSchema!)(result.structuredContent);
    expect(valid).toMatchObject({ valid: true });

    const servers = (result.structuredContent as { servers: Array<Record<string, unknown>> }).servers;
    const byName = new Map(servers.map((server) => [server.name, server]));
    for (const name of ['everything', 'fault', 'memory']) {
      expect(byName.get(name)).toMatchObject({ status: 'ready', transport: 'stdio', tools_count: expect.any(Number) });
      expect(byName.get(name)!.tools_count as number).toBeGreaterThan(0);
    }
    expect(byName.get('everything')!.description).toBe('MCP reference server with test tools');
    expect(byName.get('broken')).toMatchObject({ tools_count: null });
    expect(byName.get('broken')!.status).not.toBe('ready');
  });
});

describe('gateway_list_tools and gateway_search_tools', () => {
  it('gateway_list_tools {server: everything} has echo with its inputSchema', async () => {
    const directEcho = (await direct.listTools()).tools.find((tool) => tool.name === 'echo')!;
    const result = (await client.callTool({
      name: 'gateway_list_tools',
      arguments: { server: 'everything' },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const listed = result.structuredContent as { server: string; tools: Tool[] };
    expect(listed.server).toBe('everything');
    const echo = listed.tools.find((tool) => tool.name === 'echo');
    expect(echo).toBeDefined();
    expect(echo!.inputSchema).toEqual(directEcho.inputSchema);
    expect(echo!.description).toBe(directEcho.description);
  });

  it('gateway_search_tools finds everything/echo in the top 3 with its inputSchema', async () => {
    const result = (await client.callTool({
      name: 'gateway_search_tools',
      arguments: { query: 'echo a message back' },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const { matches } = result.structuredContent as {
      matches: Array<{ server: string; tool: string; inputSchema: Record<string, unknown> }>;
    };
    const top3 = matches.slice(0, 3);
    const echo = top3.find((match) => match.server === 'everything' && match.tool === 'echo');
    expect(echo).toBeDefined();
    expect(echo!.inputSchema).toMatchObject({ properties: { message: { type: 'string' } }, required: ['message'] });
  });
});

describe('gateway_search_tools with nothing to find', () => {
  it('says what to try next and names the servers', async () => {
    const result = (await client.callTool({
      name: 'gateway_search_tools',
      arguments: { query: 'zzyzx qwertyuiop' },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const found = result.structuredContent as { matches: unknown[]; total: number; hint?: string };
    expect(found.matches).toEqual([]);
    expect(found.total).toBe(0);
    expect(found.hint).toMatch(/gateway_list_tools/);
    expect(found.hint).toContain('everything');
  });

  it('a request sharing no word with any tool still gets the nearest matches, with the same hint', async () => {
    const result = (await client.callTool({
      name: 'gateway_search_tools',
      arguments: { query: 'remember that Bob prefers email' },
    })) as CallToolResult;
    expect(result.isError).toBeFalsy();
    const found = result.structuredContent as {
      matches: { server: string; tool: string }[];
      total: number;
      hint?: string;
    };
    // Which tools come back is the ranking's business (tool-search.index.spec.ts); here: not empty, and the hint.
    expect(found.total).toBeGreaterThan(0);
    expect(found.matches.length).toBeGreaterThan(0);
    expect(found.hint).toMatch(/gateway_list_tools/);
    expect(found.hint).toContain('memory');
  });
});

describe('gateway_invoke passes results through untouched', () => {
  it('echo equals what server-everything answers a direct client', async () => {
    const args = { message: 'hello through the gateway' };
    const viaGateway = await invoke('everything', 'echo', args);
    expect(viaGateway).toEqual(await direct.callTool({ name: 'echo', arguments: args }));
    expect(firstText(viaGateway)).toContain('hello through the gateway');
  });

  it('an image result (get-tiny-image) equals the direct one', async () => {
    const viaGateway = await invoke('everything', 'get-tiny-image', {});
    expect(viaGateway.content.some((item) => item.type === 'image')).toBe(true);
    expect(viaGateway).toEqual(await direct.callTool({ name: 'get-tiny-image', arguments: {} }));
  });

  it('a structured result (get-structured-content) equals the direct one', async () => {
    const args = { location: 'Chicago' };
    const viaGateway = await invoke('everything', 'get-structured-content', args);
    expect(viaGateway.structuredContent).toBeDefined();
    expect(viaGateway).toEqual(await direct.callTool({ name: 'get-structured-content', arguments: args }));
  });

  it('the fault server add keeps its structuredContent', async () => {
    expect(await invoke('fault', 'add', { a: 2, b: 40 })).toEqual({
      content: [{ type: 'text', text: '42' }],
      structuredContent: { sum: 42 },
    });
  });
});

describe('gateway_invoke errors are tool results a model can act on', () => {
  it('an unknown server lists the known ones', async () => {
    const result = await invoke('nope', 'echo', { message: 'x' });
    expect(result.isError).toBe(true);
    const text = firstText(result);
    expect(text).toContain('nope');
    for (const name of ['everything', 'fault', 'memory']) expect(text).toContain(name);
  });

  it('an unknown tool suggests the closest name', async () => {
    const result = await invoke('everything', 'ecoh', { message: 'x' });
    expect(result.isError).toBe(true);
    expect(firstText(result)).toContain('ecoh');
    expect(firstText(result)).toMatch(/\becho\b/);
  });

  it('invalid arguments name the field and never reach the backend', async () => {
    const before = readCallLog(callLog).length;
    const result = await invoke('fault', 'echo', { message: 42 });
    expect(result.isError).toBe(true);
    // The field as a path (arguments/message), not just the schema dump that follows.
    expect(firstText(result)).toMatch(/[/.]message\b/);
    expect(readCallLog(callLog).length).toBe(before);
    // The same tool with good arguments does reach it, so the log is the right witness.
    await invoke('fault', 'echo', { message: 'ok' });
    expect(readCallLog(callLog).slice(before)).toEqual(['echo']);
  });

  it('an unavailable backend is named with the reason', async () => {
    const result = await invoke('broken', 'echo', { message: 'x' });
    expect(result.isError).toBe(true);
    const text = firstText(result);
    expect(text).toContain('broken');
    expect(text).toMatch(/unavailable/i);
    expect(text).toMatch(/exited with code 1/);
  });

  it('a tool error (fail) passes through with isError', async () => {
    expect(await invoke('fault', 'fail', { message: 'it failed' })).toEqual({
      content: [{ type: 'text', text: 'it failed' }],
      isError: true,
    });
  });

  it("a backend's JSON-RPC error (throw) becomes a tool error naming the server", async () => {
    const result = await invoke('fault', 'throw', { message: 'kaboom' });
    expect(result.isError).toBe(true);
    expect(firstText(result)).toContain('fault');
    expect(firstText(result)).toContain('kaboom');
  });
});

describe('bad calls to the meta-tools are protocol errors (-32602)', () => {
  it.each([
    ['gateway_search_tools without a query', 'gateway_search_tools', {}],
    ['gateway_search_tools with limit 0', 'gateway_search_tools', { query: 'echo', limit: 0 }],
    ['an unknown meta-tool', 'gateway_nope', {}],
  ])('%s', async (_label, name, args) => {
    const call = client.callTool({ name, arguments: args });
    await expect(call).rejects.toBeInstanceOf(McpError);
    await expect(call).rejects.toMatchObject({ code: -32602 });
  });
});
