// Proves the shared fixtures speak real MCP, with the SDK's own Client over every transport they offer.
// The catalog fixtures read ../shared/datasets/livemcpbench (beside the repository, not in it); without it those
// cases fail naming the missing file (readShared, catalog-server).
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  LoggingMessageNotificationSchema,
  McpError,
  type CallToolResult,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import {
  catalogBackends,
  catalogSafeNames,
  catalogStdioCommand,
  loadCatalog,
  startCatalogHttp,
  type RunningCatalog,
} from './catalog.js';
import {
  everythingStdioCommand,
  memoryStdioCommand,
  startEverything,
  startEverythingOnPort,
  type RunningEverything,
} from './everything-server.js';
import { faultStdioCommand, readCallLog, startFaultHttp, type RunningFaultHttp } from './fault.js';
import { isAlive, waitFor, waitForExit } from './processes.js';

const clients: Client[] = [];

async function connect(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'fixtures-spec', version: '1.0.0' });
  await client.connect(transport);
  clients.push(client);
  return client;
}

function firstText(result: unknown): string {
  const content = (result as CallToolResult).content;
  const item = content[0];
  return item.type === 'text' ? item.text : '';
}

afterAll(async () => {
  await Promise.allSettled(clients.map((client) => client.close()));
});

describe.each(['streamableHttp', 'sse'] as const)('server-everything over %s', (mode) => {
  let server: RunningEverything;

  beforeAll(async () => {
    server = await startEverything(mode);
  }, 20000);

  afterAll(async () => {
    await server?.stop();
    expect(isAlive(server.pid)).toBe(false);
  });

  it('binds 127.0.0.1 and answers tools/list and echo', async () => {
    expect(server.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/${mode === 'sse' ? 'sse' : 'mcp'}$`));
    const url = new URL(server.url);
    const client = await connect(mode === 'sse' ? new SSEClientTransport(url) : new StreamableHTTPClientTransport(url));
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name)).toContain('echo');
    const result = await client.callTool({ name: 'echo', arguments: { message: 'hi' } });
    expect(firstText(result)).toContain('hi');
    await client.close();
  }, 20000);

  it('comes back at the same URL via startEverythingOnPort', async () => {
    const { port, url } = server;
    await server.stop();
    server = await startEverythingOnPort(mode, port);
    expect(server.url).toBe(url);
  }, 20000);
});

describe('reference servers over stdio', () => {
  it('server-everything and server-memory list their tools', async () => {
    const everything = await connect(new StdioClientTransport(everythingStdioCommand()));
    expect((await everything.listTools()).tools.map((tool) => tool.name)).toContain('echo');
    await everything.close();

    const memory = memoryStdioCommand();
    const memoryClient = await connect(new StdioClientTransport({ ...memory, stderr: 'ignore' }));
    expect((await memoryClient.listTools()).tools.map((tool) => tool.name)).toContain('create_entities');
    await memoryClient.callTool({
      name: 'create_entities',
      arguments: { entities: [{ name: 'gateway', entityType: 'project', observations: ['test'] }] },
    });
    expect(readFileSync(memory.env.MEMORY_FILE_PATH, 'utf8')).toContain('gateway');
    await memoryClient.close();
    rmSync(dirname(memory.env.MEMORY_FILE_PATH), { recursive: true, force: true });
  }, 20000);

  it('catalog-server serves one dataset server by index', async () => {
    const client = await connect(new StdioClientTransport(catalogStdioCommand(1)));
    const entry = loadCatalog()[1];
    expect(client.getServerVersion()?.name).toBe(entry.server);
    expect((await client.listTools()).tools).toHaveLength(entry.tools.length);
    await client.close();
  }, 20000);
});

async function exerciseFaultServer(client: Client, callLog: string): Promise<void> {
  expect(firstText(await client.callTool({ name: 'echo', arguments: { message: 'ping' } }))).toBe('ping');

  const add = await client.callTool({ name: 'add', arguments: { a: 2, b: 3 } });
  expect(add.structuredContent).toEqual({ sum: 5 });
  expect(firstText(add)).toBe('5');

  const failed = await client.callTool({ name: 'fail', arguments: { message: 'nope' } });
  expect(failed.isError).toBe(true);
  expect(firstText(failed)).toBe('nope');

  const thrown = client.callTool({ name: 'throw', arguments: { message: 'boom' } });
  await expect(thrown).rejects.toBeInstanceOf(McpError);
  await expect(thrown).rejects.toMatchObject({ code: -32603, message: expect.stringContaining('boom') });

  const progress: Progress[] = [];
  const slow = await client.callTool({ name: 'slow', arguments: { ms: 300, progress_every_ms: 50 } }, undefined, {
    onprogress: (p) => progress.push(p),
  });
  expect(firstText(slow)).toBe('done after 300ms');
  expect(progress.length).toBeGreaterThanOrEqual(2);
  expect(progress.every((p) => p.total === 300)).toBe(true);

  const logs: unknown[] = [];
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => {
    logs.push(notification.params.data);
  });
  const flood = await client.callTool({ name: 'flood', arguments: { count: 25 } });
  expect(firstText(flood)).toBe('flooded 25');
  await waitFor(() => logs.length >= 25, { description: '25 logging notifications' });
  expect(logs[0]).toBe('flood 1/25');
  expect(logs[24]).toBe('flood 25/25');

  const controller = new AbortController();
  const hang = client.callTool({ name: 'hang', arguments: {} }, undefined, { signal: controller.signal });
  await waitFor(() => readCallLog(callLog).includes('hang'), { description: 'hang logged' });
  controller.abort();
  await expect(hang).rejects.toThrow();
  await waitFor(() => readCallLog(callLog).includes('cancelled hang'), { description: 'cancellation logged' });
  expect(readCallLog(callLog)).toEqual([
    'echo',
    'add',
    'fail',
    'throw',
    'slow',
    'flood',
    'hang',
    expect.stringMatching(/^notified cancelled \d+$/),
    'cancelled hang',
  ]);
}

describe('fault-server over stdio', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fault-stdio-'));
  const callLog = join(dir, 'calls.log');
  let client: Client;
  let transport: StdioClientTransport;

  beforeAll(async () => {
    const { command, args } = faultStdioCommand();
    transport = new StdioClientTransport({
      command,
      args,
      env: { FAULT_NAME: 'stdio-fault', FAULT_CALL_LOG: callLog, FAULT_STATE_DIR: dir, EXTRA_VAR: 'merged' },
      cwd: dir,
      stderr: 'pipe',
    });
    client = await connect(transport);
  }, 20000);

  afterAll(async () => {
    const pid = transport.pid;
    await client.close();
    if (pid !== null) await waitFor(() => !isAlive(pid), { description: 'stdio fault-server exit' });
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports its name and answers every kind of result', async () => {
    expect(client.getServerVersion()?.name).toBe('stdio-fault');
    await exerciseFaultServer(client, callLog);
  }, 20000);

  it('exposes env, cwd and tool annotations', async () => {
    expect(firstText(await client.callTool({ name: 'get_env', arguments: { name: 'EXTRA_VAR' } }))).toBe('merged');
    expect(firstText(await client.callTool({ name: 'get_env', arguments: { name: 'NOPE_UNSET' } }))).toBe('<unset>');
    expect(firstText(await client.callTool({ name: 'get_cwd', arguments: {} }))).toBe(dir);
    const { tools } = await client.listTools();
    expect(tools.find((tool) => tool.name === 'flaky_read')?.annotations).toEqual({ readOnlyHint: true });
    expect(tools.find((tool) => tool.name === 'write_once')?.annotations).toBeUndefined();
  });
});

describe('fault-server failure modes over stdio', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fault-modes-'));
  const callLog = join(dir, 'calls.log');

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function transportWith(env: Record<string, string>): StdioClientTransport {
    return new StdioClientTransport({ ...faultStdioCommand(), env, stderr: 'pipe' });
  }

  // Client.onclose, not transport.onclose: the Client owns the transport's callbacks.
  function closed(client: Client): Promise<void> {
    return new Promise((resolve) => {
      client.onclose = resolve;
    });
  }

  it('FAULT_EXIT_ON_START=1 fails the connection', async () => {
    await expect(connect(transportWith({ FAULT_EXIT_ON_START: '1' }))).rejects.toThrow();
  }, 20000);

  it('FAULT_CRASH_ON_WRITE=1 logs the write once, then dies without answering', async () => {
    const transport = transportWith({ FAULT_CRASH_ON_WRITE: '1', FAULT_CALL_LOG: callLog });
    const client = await connect(transport);
    const gone = closed(client);
    await expect(client.callTool({ name: 'write_once', arguments: { key: 'w' } })).rejects.toThrow();
    await gone;
    expect(readCallLog(callLog)).toEqual(['write_once']);
  }, 20000);

  it('crash_after answers when asked, then exits', async () => {
    const transport = transportWith({ FAULT_START_DELAY_MS: '200' });
    const client = await connect(transport);
    const gone = closed(client);
    const result = await client.callTool({ name: 'crash_after', arguments: { ms: 100, respond: true } });
    expect(firstText(result)).toBe('crashing in 100ms');
    await gone;
  }, 20000);
});

describe('fault-server over http', () => {
  const dir = mkdtempSync(join(tmpdir(), 'fault-http-'));
  let server: RunningFaultHttp;

  beforeAll(async () => {
    server = await startFaultHttp({
      FAULT_NAME: 'http-fault',
      FAULT_STATE_DIR: dir,
      FAULT_CALL_LOG: join(dir, 'calls.log'),
      FAULT_FORK_CHILD: join(dir, 'child.pid'),
    });
  }, 20000);

  afterAll(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints its start line and serves every kind of result with sessions', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect(server.stderrLines[0]).toBe(`fault-server http-fault started pid=${server.pid}`);
    const transport = new StreamableHTTPClientTransport(new URL(server.url));
    const client = await connect(transport);
    expect(transport.sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await exerciseFaultServer(client, join(dir, 'calls.log'));
    await client.close();
  }, 20000);

  it('flaky_read crashes the process for the first failures, counted across restarts', async () => {
    const grandchild = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));
    expect(isAlive(grandchild)).toBe(true);
    process.kill(grandchild, 'SIGKILL');

    const client = await connect(new StreamableHTTPClientTransport(new URL(server.url)));
    await expect(client.callTool({ name: 'flaky_read', arguments: { key: 'k', failures: 1 } })).rejects.toThrow();
    expect(await waitForExit(server.child)).toEqual({ code: 1, signal: null });

    const restarted = await startFaultHttp({ FAULT_STATE_DIR: dir });
    try {
      const again = await connect(new StreamableHTTPClientTransport(new URL(restarted.url)));
      expect(firstText(await again.callTool({ name: 'flaky_read', arguments: { key: 'k', failures: 1 } }))).toBe(
        'ok k',
      );
      await again.close();
    } finally {
      await restarted.stop();
    }
  }, 20000);
});

describe('catalog-server over http', () => {
  let catalog: RunningCatalog;

  beforeAll(async () => {
    catalog = await startCatalogHttp();
  }, 20000);

  afterAll(async () => {
    await catalog.stop();
  });

  it('serves each dataset server verbatim at /servers/<index>/mcp', async () => {
    const data = loadCatalog();
    const backends = catalogBackends(catalog.baseUrl);
    const names = catalogSafeNames();
    expect(Object.keys(backends)).toHaveLength(data.length);
    expect(names.every((name) => /^[A-Za-z0-9_-]{1,64}$/.test(name))).toBe(true);

    for (const index of [0, 1, data.length - 1]) {
      const entry = backends[names[index]];
      expect(entry.http_url).toBe(`${catalog.baseUrl}/servers/${index}/mcp`);
      const client = await connect(new StreamableHTTPClientTransport(new URL(entry.http_url)));
      expect(client.getServerVersion()?.name).toBe(data[index].server);
      const { tools } = await client.listTools();
      expect(tools).toHaveLength(data[index].tools.length);
      expect(tools[0].inputSchema).toEqual(data[index].tools[0].inputSchema);
      const tool = data[index].tools[0].name;
      const result = await client.callTool({ name: tool, arguments: { q: 1 } });
      expect(firstText(result)).toBe(`called ${data[index].server}/${tool} with {"q":1}`);
      await client.close();
    }
  }, 20000);
});
