// Issue 15, the era matrix: a legacy client (SDK 1.x, protocol 2025-11-25) and a modern client (SDK 2.x pinned to
// 2026-07-28: no initialize, no session), against a legacy backend (SDK 1.x server) and a modern-only backend (SDK 2.x
// server that refuses initialize), each over stdio and Streamable HTTP, through /mcp/{backend} and through
// gateway_invoke on /mcp: tools/list, a tools/call with progress, a sampling and an elicitation round trip, a list
// change reaching the client, and a cancelled call. Without the gateway the specification's compatibility matrix
// says a modern-only client fails against a legacy server and a legacy client against a modern-only one; the last
// block shows exactly that, so the cells above prove the gateway bridges both ways. The four backends run once for
// every cell (test/fixtures/era-server.ts).
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client as ModernSdkClient, StreamableHTTPClientTransport as ModernHttp } from '@modelcontextprotocol/client';
import { Client as LegacySdkClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyHttp } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js';
import { closeAndReap, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { spawnTs, tsCommand, waitFor, type SpawnedProcess } from './helpers/processes.js';

jest.setTimeout(120_000);

const ERA_SERVER = 'test/fixtures/era-server.ts';
const MODERN = '2026-07-28';
const CLIENT_ERAS = ['legacy', 'modern'] as const;
const BACKEND_ERAS = ['legacy', 'modern'] as const;
const TRANSPORTS = ['stdio', 'http'] as const;
const ROUTES = ['/mcp/{backend}', 'gateway_invoke on /mcp'] as const;
type ClientEra = (typeof CLIENT_ERAS)[number];
type BackendEra = (typeof BACKEND_ERAS)[number];
type Transport = (typeof TRANSPORTS)[number];

/** What the client answers when asked to sample or elicit (each era's SDK calls the same kind of handler). */
const SAMPLED = 'sampled by the client';
const ELICITED = { name: 'matrix-dana' };

interface CallOptions {
  onprogress?: (progress: { progress: number }) => void;
  signal?: AbortSignal;
}

/** The same operations for either SDK: list, call, and a count of tools/list_changed notifications received. */
interface MatrixClient {
  listTools(): Promise<string[]>;
  callTool(name: string, args: Record<string, unknown>, options?: CallOptions): Promise<CallToolResult>;
  /** Starts counting tools/list_changed (a modern client opens a subscriptions/listen stream for it). */
  watchToolChanges(): Promise<() => number>;
  close(): Promise<void>;
}

async function legacyClient(url: string): Promise<MatrixClient> {
  const client = new LegacySdkClient(
    { name: 'era-matrix-legacy', version: '1.0.0' },
    { capabilities: { sampling: {}, elicitation: {} } },
  );
  client.setRequestHandler(CreateMessageRequestSchema, () => ({
    role: 'assistant',
    model: 'matrix-model',
    content: { type: 'text', text: SAMPLED },
  }));
  client.setRequestHandler(ElicitRequestSchema, () => ({ action: 'accept', content: ELICITED }));
  let changes = 0;
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changes++);
  await client.connect(new LegacyHttp(new URL(url)));
  return {
    listTools: async () => (await client.listTools()).tools.map((tool) => tool.name),
    callTool: async (name, args, options) =>
      (await client.callTool({ name, arguments: args }, undefined, {
        ...options,
        timeout: 60_000,
      })) as CallToolResult,
    watchToolChanges: async () => () => changes,
    close: () => client.close(),
  };
}

async function modernClient(url: string): Promise<MatrixClient> {
  const client = new ModernSdkClient(
    { name: 'era-matrix-modern', version: '1.0.0' },
    { capabilities: { sampling: {}, elicitation: { form: {} } }, versionNegotiation: { mode: { pin: MODERN } } },
  );
  client.setRequestHandler('sampling/createMessage', async () => ({
    role: 'assistant',
    model: 'matrix-model',
    content: { type: 'text', text: SAMPLED },
  }));
  client.setRequestHandler('elicitation/create', async () => ({ action: 'accept', content: ELICITED }));
  let changes = 0;
  client.setNotificationHandler('notifications/tools/list_changed', () => void changes++);
  const subscriptions: Array<{ close(): Promise<void> | void }> = [];
  await client.connect(new ModernHttp(new URL(url)));
  return {
    listTools: async () => (await client.listTools()).tools.map((tool) => tool.name),
    callTool: async (name, args, options) =>
      (await client.callTool({ name, arguments: args }, { ...options, timeout: 60_000 })) as CallToolResult,
    watchToolChanges: async () => {
      subscriptions.push(await client.listen({ toolsListChanged: true }));
      return () => changes;
    },
    close: async () => {
      await Promise.all(subscriptions.map(async (subscription) => subscription.close()));
      await client.close();
    },
  };
}

const connect = (era: ClientEra, url: string): Promise<MatrixClient> =>
  era === 'legacy' ? legacyClient(url) : modernClient(url);

let gateway: TestGateway;
const httpBackends: SpawnedProcess[] = [];
const openClients: MatrixClient[] = [];
let tags = 0;
let stateRoot: string;

const backendName = (era: BackendEra, transport: Transport): string => `${era}_${transport}`;

beforeAll(async () => {
  stateRoot = mkdtempSync(join(tmpdir(), 'era-matrix-'));
  const stateDir = (name: string): string => (mkdirSync(join(stateRoot, name)), join(stateRoot, name));
  const [legacyHttp, modernHttp] = await Promise.all(
    BACKEND_ERAS.map((era) =>
      spawnTs(
        ERA_SERVER,
        [era, 'http'],
        { PORT: '0', ERA_STATE_DIR: stateDir(backendName(era, 'http')) },
        { waitForListening: true },
      ),
    ),
  );
  httpBackends.push(legacyHttp, modernHttp);
  const backends: Record<string, unknown> = {};
  for (const era of BACKEND_ERAS) {
    const env = { ERA_STATE_DIR: stateDir(backendName(era, 'stdio')) };
    backends[backendName(era, 'stdio')] = stdioBackend({ ...tsCommand(ERA_SERVER, [era, 'stdio']), env });
    const port = (era === 'legacy' ? legacyHttp : modernHttp).port;
    backends[backendName(era, 'http')] = { http_url: `http://127.0.0.1:${port}/mcp`, transport: 'streamable_http' };
  }
  gateway = await startTestGateway(
    { server: { request_timeout: '60s' }, backends },
    { ready: Object.keys(backends), timeoutMs: 30_000 },
  );
});

afterAll(async () => {
  await Promise.all(openClients.map((client) => client.close().catch(() => undefined)));
  const survivors = gateway ? await closeAndReap(gateway) : [];
  await Promise.all(httpBackends.map((backend) => backend.stop()));
  rmSync(stateRoot, { recursive: true, force: true });
  expect(survivors).toEqual([]);
});

/** The cells: every client era x backend era x backend transport x route. */
const cells = CLIENT_ERAS.flatMap((client) =>
  BACKEND_ERAS.flatMap((backend) =>
    TRANSPORTS.flatMap((transport) => ROUTES.map((route) => ({ client, backend, transport, route }))),
  ),
);

describe.each(cells)(
  '$client client -> $backend backend over $transport, $route',
  ({ client, backend, transport, route }) => {
    const server = backendName(backend, transport);
    const viaInvoke = route === 'gateway_invoke on /mcp';
    let session: MatrixClient;

    /** A backend tool called the way this route calls it. */
    const call = (tool: string, args: Record<string, unknown>, options?: CallOptions): Promise<CallToolResult> =>
      viaInvoke
        ? session.callTool('gateway_invoke', { server, tool, arguments: args }, options)
        : session.callTool(tool, args, options);
    /** The backend's tool names as this route lists them (gateway_list_tools on /mcp). */
    const backendTools = async (): Promise<string[]> => {
      if (!viaInvoke) return session.listTools();
      const listed = await session.callTool('gateway_list_tools', { server });
      return JSON.stringify(listed.structuredContent ?? listed.content).match(/"(?:name|tool)":"([^"]+)"/g) ?? [];
    };

    beforeAll(async () => {
      session = await connect(client, `${gateway.baseUrl}${viaInvoke ? '/mcp' : `/mcp/${server}`}`);
      openClients.push(session);
    });

    it('tools/list', async () => {
      if (viaInvoke) {
        expect((await session.listTools()).sort()).toEqual([
          'gateway_invoke',
          'gateway_list_servers',
          'gateway_list_tools',
          'gateway_search_tools',
        ]);
        expect((await backendTools()).join(' ')).toContain('hang_state');
      } else {
        expect(await session.listTools()).toEqual(expect.arrayContaining(['echo', 'progress', 'sample', 'hang']));
      }
    });

    it('tools/call with progress', async () => {
      const progress: number[] = [];
      const result = await call(
        'progress',
        { steps: 3 },
        { onprogress: (update) => void progress.push(update.progress) },
      );
      expect(firstText(result)).toBe('progressed 3');
      await waitFor(() => progress.length === 3, { timeoutMs: 5000, description: 'three progress notifications' });
      expect(progress).toEqual([1, 2, 3]);
    });

    it('a sampling round trip', async () => {
      expect(firstText(await call('sample', { prompt: 'say something' }))).toBe(`sampled: ${SAMPLED}`);
    });

    it('an elicitation round trip', async () => {
      expect(firstText(await call('elicit', { message: 'who are you?' }))).toBe(
        `elicited: accept ${JSON.stringify(ELICITED)}`,
      );
    });

    it(
      viaInvoke
        ? "a list change reaches the client (the meta surface's own tools never change: gateway_list_tools follows)"
        : 'a list change reaches the client (notifications/tools/list_changed)',
      async () => {
        const changes = await session.watchToolChanges();
        const before = changes();
        // The backend's tool list flips (added_tool appears or goes) for every client of it, as one server's would.
        const flipped = firstText(await call('change_tools', {}));
        expect(flipped).toMatch(/^added_tool (on|off)$/);
        const listed = flipped.endsWith('on');
        if (viaInvoke) {
          await waitFor(async () => (await backendTools()).join(' ').includes('added_tool') === listed, {
            timeoutMs: 10_000,
            description: `gateway_list_tools to ${listed ? 'list' : 'drop'} added_tool`,
          });
        } else {
          await waitFor(() => changes() > before, { timeoutMs: 10_000, description: 'tools/list_changed' });
          expect((await session.listTools()).includes('added_tool')).toBe(listed);
        }
      },
    );

    it('a cancelled call is cancelled at the backend', async () => {
      const tag = `${client}-${server}-${viaInvoke ? 'invoke' : 'direct'}-${++tags}`;
      const state = async (): Promise<string> => firstText(await call('hang_state', { tag }));
      const abort = new AbortController();
      const hung = call('hang', { tag }, { signal: abort.signal });
      hung.catch(() => undefined);
      await waitFor(async () => (await state()) === 'running', { timeoutMs: 10_000, description: 'hang to start' });
      abort.abort();
      await expect(hung).rejects.toThrow();
      await waitFor(async () => (await state()) === 'cancelled', {
        timeoutMs: 10_000,
        description: 'the backend to see the cancellation',
      });
    });
  },
);

describe("without the gateway: the specification's compatibility matrix", () => {
  it('a modern-only client cannot talk to a legacy server, nor a legacy client to a modern-only server', async () => {
    const [legacyHttp, modernHttp] = httpBackends;
    await expect(modernClient(`http://127.0.0.1:${legacyHttp.port}/mcp`)).rejects.toThrow();
    await expect(legacyClient(`http://127.0.0.1:${modernHttp.port}/mcp`)).rejects.toThrow();
  });
});
