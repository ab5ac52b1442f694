// Aggregated mode (meta_mcp.enabled: false): /mcp lists every backend tool under `{backend}__{tool}` and routes calls
// back. Three backends share a tool named `echo`: server-everything and two fault servers, fa and fb.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { faultStdioCommand, readCallLog } from './helpers/fault.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { isAlive } from './helpers/processes.js';

jest.setTimeout(30_000);

const MCP_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

let gateway: TestGateway;
let client: Client;
let tools: Tool[];
let tempDir: string;
const logs = { fa: '', fb: '' };
/** What each backend lists when asked directly (no gateway), keyed by backend name. */
const directTools: Record<string, Tool[]> = {};
const pids: number[] = [];

async function listDirectly(command: { command: string; args: string[] }, env?: Record<string, string>) {
  const transport = new StdioClientTransport({
    ...command,
    env: { ...process.env, ...env } as Record<string, string>,
    stderr: 'ignore',
  });
  const direct = new Client({ name: 'direct', version: '1.0.0' }, { capabilities: {} });
  await direct.connect(transport);
  if (transport.pid) pids.push(transport.pid);
  try {
    return (await direct.listTools()).tools;
  } finally {
    await direct.close();
  }
}

beforeAll(async () => {
  tempDir = mkdtempSync(join(tmpdir(), 'aggregated-e2e-'));
  logs.fa = join(tempDir, 'fa.log');
  logs.fb = join(tempDir, 'fb.log');
  const fault = (name: 'fa' | 'fb') =>
    stdioBackend(faultStdioCommand(), { env: { FAULT_NAME: name, FAULT_CALL_LOG: logs[name] } });
  let faultTools: Tool[];
  [gateway, directTools.everything, faultTools] = await Promise.all([
    startTestGateway(
      {
        server: { request_timeout: '10s' },
        meta_mcp: { enabled: false },
        backends: { everything: stdioBackend(everythingStdioCommand()), fa: fault('fa'), fb: fault('fb') },
      },
      { ready: ['everything', 'fa', 'fb'] },
    ),
    listDirectly(everythingStdioCommand()),
    listDirectly(faultStdioCommand()),
  ]);
  directTools.fa = faultTools;
  directTools.fb = faultTools;
  pids.push(...gateway.backendPids());
  client = await connectClient(`${gateway.baseUrl}/mcp`);
  tools = (await client.listTools()).tools;
});

afterAll(async () => {
  await client?.close();
  const survivors = gateway ? await closeAndReap(gateway) : [];
  rmSync(tempDir, { recursive: true, force: true });
  expect(survivors).toEqual([]);
  expect(pids.filter(isAlive)).toEqual([]);
});

function listed(name: string): Tool {
  const tool = tools.find((candidate) => candidate.name === name);
  if (!tool) throw new Error(`${name} is not listed; got ${tools.map((t) => t.name).join(', ')}`);
  return tool;
}

describe('tools/list in aggregated mode', () => {
  it('declares tools.listChanged and no meta-tools', () => {
    expect(client.getServerCapabilities()?.tools).toEqual({ listChanged: true });
    expect(tools.map((tool) => tool.name)).not.toContain('gateway_search_tools');
  });

  it('lists the three echo tools under distinct namespaced names', () => {
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['everything__echo', 'fa__echo', 'fb__echo']));
    expect(new Set(names).size).toBe(names.length);
  });

  it('lists every tool of every backend, with the original description, schemas and annotations', () => {
    for (const [backend, originals] of Object.entries(directTools)) {
      for (const original of originals) {
        const { name: _ignored, ...rest } = listed(`${backend}__${original.name}`);
        const { name: _original, ...expected } = original;
        expect(rest).toEqual(expected);
      }
    }
    const total = Object.values(directTools).reduce((sum, list) => sum + list.length, 0);
    expect(tools).toHaveLength(total);
    expect(listed('fa__flaky_read').annotations).toEqual({ readOnlyHint: true });
  });

  it('uses only names MCP allows', () => {
    for (const { name } of tools) expect(name).toMatch(MCP_TOOL_NAME);
  });
});

describe('tools/call routes to the owning backend', () => {
  it('fa__echo reaches fa only', async () => {
    const before = { fa: readCallLog(logs.fa).length, fb: readCallLog(logs.fb).length };
    const result = (await client.callTool({ name: 'fa__echo', arguments: { message: 'to fa' } })) as CallToolResult;
    expect(result).toEqual({ content: [{ type: 'text', text: 'to fa' }] });
    expect(readCallLog(logs.fa).slice(before.fa)).toEqual(['echo']);
    expect(readCallLog(logs.fb)).toHaveLength(before.fb);
  });

  it('fb__get_env answers from fb', async () => {
    const result = await client.callTool({ name: 'fb__get_env', arguments: { name: 'FAULT_NAME' } });
    expect(firstText(result)).toBe('fb');
  });

  it('everything__echo reaches server-everything', async () => {
    const before = { fa: readCallLog(logs.fa).length, fb: readCallLog(logs.fb).length };
    const result = await client.callTool({ name: 'everything__echo', arguments: { message: 'to everything' } });
    expect(result.isError).toBeFalsy();
    expect(firstText(result)).toMatch(/^Echo: to everything$/);
    expect(readCallLog(logs.fa)).toHaveLength(before.fa);
    expect(readCallLog(logs.fb)).toHaveLength(before.fb);
  });

  it('keeps structuredContent and tool errors as the backend sent them', async () => {
    expect(await client.callTool({ name: 'fb__add', arguments: { a: 1, b: 2 } })).toEqual({
      content: [{ type: 'text', text: '3' }],
      structuredContent: { sum: 3 },
    });
    expect(await client.callTool({ name: 'fa__fail', arguments: { message: 'no' } })).toEqual({
      content: [{ type: 'text', text: 'no' }],
      isError: true,
    });
  });
});
