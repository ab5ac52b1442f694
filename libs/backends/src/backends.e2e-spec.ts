// BackendsModule inside a real Nest TestingModule, against real MCP servers over stdio, Streamable HTTP and SSE.
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Test, type TestingModule } from '@nestjs/testing';
import { GatewayConfigModule } from '@gateway/config';
import {
  everythingStdioCommand,
  memoryStdioCommand,
  startEverything,
  startEverythingOnPort,
  type RunningEverything,
} from '../../../test/helpers/everything-server.js';
import { faultStdioCommand, startFaultHttp, type RunningFaultHttp } from '../../../test/helpers/fault.js';
import {
  CapturingLogger,
  firstText,
  stdioBackend,
  writeGatewayConfig,
  type TempConfig,
} from '../../../test/helpers/gateway-config.js';
import { freePort, isAlive, killPid, waitFor } from '../../../test/helpers/processes.js';
import { BackendRegistry } from './backend-registry.service.js';
import type { Backend } from './backend.js';
import { BackendsModule } from './backends.module.js';

jest.setTimeout(30_000);

const STARTUP = { timeoutMs: 20_000, intervalMs: 50 };

async function startModule(temp: TempConfig, logger: CapturingLogger): Promise<TestingModule> {
  const moduleRef = await Test.createTestingModule({
    imports: [GatewayConfigModule.forRoot(temp.config), BackendsModule],
  })
    .setLogger(logger)
    .compile();
  await moduleRef.init();
  return moduleRef;
}

function waitForState(backend: Backend, state: Backend['state'], timeoutMs = STARTUP.timeoutMs) {
  return waitFor(() => backend.state === state, {
    timeoutMs,
    description: `backend ${backend.name} ${state} (is ${backend.state}, last error ${backend.lastError})`,
  });
}

async function toolNames(backend: Backend): Promise<string[]> {
  const result = (await backend.request('tools/list', {})) as { tools: Array<{ name: string }> };
  return result.tools.map((tool) => tool.name);
}

function callTool(backend: Backend, name: string, args: Record<string, unknown> = {}) {
  return backend.request('tools/call', { name, arguments: args });
}

describe('BackendsModule against real servers', () => {
  const logger = new CapturingLogger();
  const servers: Array<RunningEverything | RunningFaultHttp> = [];
  let temp: TempConfig;
  let moduleRef: TestingModule | undefined;
  let registry: BackendRegistry;
  let downPort: number;
  let everythingHttp: RunningEverything;
  let everythingSse: RunningEverything;
  let faultHttp: RunningFaultHttp;
  let memoryFile: string;

  beforeAll(async () => {
    [everythingHttp, everythingSse, faultHttp] = await Promise.all([
      startEverything('streamableHttp'),
      startEverything('sse'),
      startFaultHttp({ FAULT_NAME: 'fault-http' }),
    ]);
    servers.push(everythingHttp, everythingSse, faultHttp);
    downPort = await freePort();
    const memory = memoryStdioCommand();
    memoryFile = memory.env.MEMORY_FILE_PATH;
    const fault = faultStdioCommand();

    temp = writeGatewayConfig({
      server: { request_timeout: '15s' },
      backends: {
        ev_stdio: stdioBackend(everythingStdioCommand()),
        ev_http: { http_url: everythingHttp.url, transport: 'streamable_http' },
        ev_sse: { http_url: everythingSse.url, transport: 'sse' },
        ev_auto: { http_url: everythingSse.url },
        memory: stdioBackend(memory),
        fault: stdioBackend(fault, {
          env: { FAULT_NAME: 'fault-env', BACKEND_ONLY_VAR: 'merged-value' },
          cwd: 'work/dir',
        }),
        victim: stdioBackend(fault, { env: { FAULT_NAME: 'victim' } }),
        down: { http_url: `http://127.0.0.1:${downPort}/mcp` },
        fault_http: { http_url: faultHttp.url },
      },
    });
    mkdirSync(join(temp.dir, 'work/dir'), { recursive: true });
    moduleRef = await startModule(temp, logger);
    registry = moduleRef.get(BackendRegistry);
  }, 60_000);

  afterAll(async () => {
    await moduleRef?.close();
    await Promise.allSettled(servers.map((server) => server.stop()));
    temp?.cleanup();
  }, 30_000);

  it('registers one backend per config entry', () => {
    expect(registry.names().sort()).toEqual(
      ['down', 'ev_auto', 'ev_http', 'ev_sse', 'ev_stdio', 'fault', 'fault_http', 'memory', 'victim'].sort(),
    );
    expect(registry.find('nope')).toBeUndefined();
    expect(() => registry.get('nope')).toThrow(/unknown backend "nope"/);
  });

  it.each([
    ['ev_stdio', 'stdio'],
    ['ev_http', 'streamable_http'],
    ['ev_sse', 'sse'],
  ])('%s lists and calls server-everything tools over %s', async (name, transport) => {
    const backend = registry.get(name);
    await waitForState(backend, 'ready');
    expect(backend.status().transport).toBe(transport);
    expect(backend.status().server?.name).toBeTruthy();

    const names = await toolNames(backend);
    expect(names).toEqual(expect.arrayContaining(['echo', 'get-sum']));
    expect(firstText(await callTool(backend, 'echo', { message: `hello ${name}` }))).toBe(`Echo: hello ${name}`);
    expect(firstText(await callTool(backend, 'get-sum', { a: 2, b: 40 }))).toContain('42');

    const tools = await backend.listTools();
    expect(tools.map((tool) => tool.name)).toEqual(names);
    expect(backend.status().tools_cached).toBe(names.length);
    expect(backend.status().request_count).toBeGreaterThanOrEqual(3);
  });

  it('auto (no transport key) falls back from Streamable HTTP to SSE at an SSE-only URL', async () => {
    const backend = registry.get('ev_auto');
    await waitForState(backend, 'ready');
    expect(backend.config.kind).toBe('auto');
    expect(backend.status().transport).toBe('sse');
    expect(await toolNames(backend)).toContain('echo');
    expect(firstText(await callTool(backend, 'echo', { message: 'via auto' }))).toBe('Echo: via auto');
  });

  it('auto stays on Streamable HTTP when the server speaks it', async () => {
    const backend = registry.get('fault_http');
    await waitForState(backend, 'ready');
    expect(backend.status().transport).toBe('streamable_http');
    expect(firstText(await callTool(backend, 'add', { a: 1, b: 2 }))).toBe('3');
  });

  it('server-memory over stdio: create_entities, then read_graph returns it', async () => {
    const backend = registry.get('memory');
    await waitForState(backend, 'ready');
    expect(await toolNames(backend)).toEqual(expect.arrayContaining(['create_entities', 'read_graph']));
    const entity = { name: 'gateway-e2e', entityType: 'test', observations: ['created through the gateway'] };
    await callTool(backend, 'create_entities', { entities: [entity] });
    const graph = JSON.parse(firstText(await callTool(backend, 'read_graph'))) as { entities: unknown[] };
    expect(graph.entities).toContainEqual(expect.objectContaining(entity));
    expect(readFileSync(memoryFile, 'utf8')).toContain('gateway-e2e');
  });

  it('stdio env is merged over the minimal inherited environment and cwd is honoured (relative to the config file)', async () => {
    const backend = registry.get('fault');
    await waitForState(backend, 'ready');
    expect(firstText(await callTool(backend, 'get_env', { name: 'BACKEND_ONLY_VAR' }))).toBe('merged-value');
    expect(firstText(await callTool(backend, 'get_env', { name: 'FAULT_NAME' }))).toBe('fault-env');
    // HOME and PATH are among the variables every stdio backend inherits; PATH gets node_modules/.bin appended.
    expect(firstText(await callTool(backend, 'get_env', { name: 'HOME' }))).toBe(process.env.HOME ?? '<unset>');
    expect(firstText(await callTool(backend, 'get_env', { name: 'PATH' }))).toContain('node_modules/.bin');
    const cwd = firstText(await callTool(backend, 'get_cwd'));
    expect(realpathSync(cwd)).toBe(realpathSync(join(temp.dir, 'work/dir')));
    expect(backend.status().server?.name).toBe('fault-env');
  });

  it("logs a stdio backend's stderr lines under its name", async () => {
    await waitForState(registry.get('fault'), 'ready');
    await waitFor(
      () => logger.messages('backend:fault').some((line) => line.startsWith('fault-server fault-env started')),
      {
        description: 'fault-server start line in the logs',
      },
    );
  });

  it('a backend down at startup is failed, and comes up on the next request once its server listens', async () => {
    const backend = registry.get('down');
    await waitForState(backend, 'failed', 10_000);
    expect(backend.status().running).toBe(false);
    expect(backend.lastError).toBeTruthy();
    expect(backend.status().transport).toBe('streamable_http|sse');

    const server = await startEverythingOnPort('streamableHttp', downPort);
    servers.push(server);
    expect(await toolNames(backend)).toContain('echo');
    expect(backend.state).toBe('ready');
    expect(backend.status().transport).toBe('streamable_http');
    expect(backend.lastError).toBeUndefined();
  });

  it('a killed stdio backend is marked failed and restarted by the next call', async () => {
    const backend = registry.get('victim');
    await waitForState(backend, 'ready');
    const oldPid = backend.pid!;
    expect(oldPid).toBeGreaterThan(0);
    expect(isAlive(oldPid)).toBe(true);
    expect(backend.status().restarts).toBe(0);

    killPid(oldPid, 'SIGKILL');
    await waitForState(backend, 'failed', 5000);
    expect(backend.lastError).toBe('process exited on SIGKILL');

    expect(firstText(await callTool(backend, 'echo', { message: 'back again' }))).toBe('back again');
    expect(backend.state).toBe('ready');
    expect(backend.pid).toBeGreaterThan(0);
    expect(backend.pid).not.toBe(oldPid);
    expect(backend.status().restarts).toBe(1);
    expect(isAlive(oldPid)).toBe(false);
  });

  it('re-initializes an HTTP session the server forgot (404) and sends the request again, once', async () => {
    const backend = registry.get('fault_http');
    await waitForState(backend, 'ready');
    expect(firstText(await callTool(backend, 'echo', { message: 'before' }))).toBe('before');
    const restartsBefore = backend.status().restarts;

    // A new process on the same port knows none of the old session ids: it answers them with 404, as the spec says.
    const port = faultHttp.port;
    await faultHttp.stop();
    faultHttp = await startFaultHttp({ FAULT_NAME: 'fault-http', PORT: String(port) });
    servers.push(faultHttp);

    expect(firstText(await callTool(backend, 'echo', { message: 'after restart' }))).toBe('after restart');
    expect(backend.state).toBe('ready');
    expect(backend.status().restarts).toBe(restartsBefore + 1);
    expect(firstText(await callTool(backend, 'echo', { message: 'and again' }))).toBe('and again');
    expect(backend.status().restarts).toBe(restartsBefore + 1);
  });
  it('re-initializes a session that server-everything forgot (it answers 400, not 404)', async () => {
    const backend = registry.get('ev_http');
    await waitForState(backend, 'ready');
    expect(await toolNames(backend)).toContain('echo');
    const restartsBefore = backend.status().restarts;

    const port = everythingHttp.port;
    await everythingHttp.stop();
    everythingHttp = await startEverythingOnPort('streamableHttp', port);
    servers.push(everythingHttp);

    expect(firstText(await callTool(backend, 'echo', { message: 'after restart' }))).toBe('Echo: after restart');
    expect(backend.state).toBe('ready');
    expect(backend.status().restarts).toBe(restartsBefore + 1);
  });
});

describe('no orphans', () => {
  it('closing the module ends a stdio backend and the grandchild it forked', async () => {
    const logger = new CapturingLogger();
    const pidDir = mkdtempSync(join(tmpdir(), 'forker-'));
    const pidFile = join(pidDir, 'grandchild.pid');
    const forker = writeGatewayConfig({
      backends: { forker: stdioBackend(faultStdioCommand(), { env: { FAULT_FORK_CHILD: pidFile } }) },
    });
    let moduleRef: TestingModule | undefined;
    let backendPid: number | undefined;
    let grandchildPid: number | undefined;
    try {
      moduleRef = await startModule(forker, logger);
      const backend = moduleRef.get(BackendRegistry).get('forker');
      await waitForState(backend, 'ready');
      backendPid = backend.pid!;
      grandchildPid = await waitFor(
        () => {
          try {
            return Number(readFileSync(pidFile, 'utf8')) || undefined;
          } catch {
            return undefined;
          }
        },
        { description: 'grandchild pid file' },
      );
      expect(isAlive(backendPid)).toBe(true);
      expect(isAlive(grandchildPid)).toBe(true);
      expect(grandchildPid).not.toBe(backendPid);

      await moduleRef.close();
      moduleRef = undefined;
      expect(backend.state).toBe('stopped');
      expect(isAlive(backendPid)).toBe(false);
      expect(isAlive(grandchildPid)).toBe(false);
    } finally {
      await moduleRef?.close();
      for (const pid of [backendPid, grandchildPid]) if (pid && isAlive(pid)) killPid(pid);
      forker.cleanup();
      rmSync(pidDir, { recursive: true, force: true });
    }
  });
});

describe('reconnect backoff', () => {
  it('a backend whose command does not exist is retried at growing intervals (1 s, 2 s, 4 s), not every second', async () => {
    const broken = writeGatewayConfig({ backends: { broken: { command: '/nonexistent/mcp-server-typo' } } });
    let moduleRef: TestingModule | undefined;
    try {
      moduleRef = await startModule(broken, new CapturingLogger());
      const backend = moduleRef.get(BackendRegistry).get('broken');
      const starts: number[] = [];
      backend.on('state', (state) => {
        if (state === 'starting') starts.push(Date.now());
      });
      // The start at bootstrap failed before the listener was on; these are the retries at 1, 3 and 7 s.
      await waitFor(() => starts.length >= 3, { timeoutMs: 15_000, description: 'three restarts' });
      expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(1900);
      expect(starts[2] - starts[1]).toBeGreaterThanOrEqual(3900);
      expect(backend.status().restarts).toBe(3);
    } finally {
      await moduleRef?.close();
      broken.cleanup();
    }
  });
});
