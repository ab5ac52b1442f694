// Hot reload (ConfigReloader, run by SIGHUP and server.watch_config): backends added, removed and changed are
// started, stopped and restarted; an untouched backend keeps its sessions and in-flight calls; clients whose view
// changed get tools/list_changed; an invalid file changes nothing and logs one line per problem.
import { writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ToolListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { stringify } from 'yaml';
import { BackendRegistry } from '@gateway/backends';
import { ConfigReloader } from '../apps/gateway/src/index.js';
import { faultStdioCommand } from './helpers/fault.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { isAlive, waitFor } from './helpers/processes.js';

jest.setTimeout(60_000);

const fault = (name: string, extra: Record<string, unknown> = {}) =>
  stdioBackend({ ...faultStdioCommand(), env: { FAULT_NAME: name } }, extra);

const tree = (backends: Record<string, unknown>, server: Record<string, unknown> = {}) => ({
  server: { host: '127.0.0.1', port: 0, ...server },
  logging: { level: 'silent', format: 'json' },
  meta_mcp: { enabled: false },
  backends,
});

let gateway: TestGateway;
let registry: BackendRegistry;
let onA: Client;
let onB: Client;
let aggregated: Client;
const listChanged: number[] = [];

/** Rewrites the gateway's config file; the reloader reads it as SIGHUP would have it. */
function rewrite(backends: Record<string, unknown>, server: Record<string, unknown> = {}): void {
  writeFileSync(gateway.temp.file, stringify(tree(backends, server)));
}

async function ready(name: string): Promise<void> {
  await waitFor(() => registry.find(name)?.state === 'ready' && (registry.find(name)?.catalog.list?.length ?? 0) > 0, {
    timeoutMs: 20_000,
    intervalMs: 50,
    description: `${name} ready`,
  });
}

beforeAll(async () => {
  gateway = await startTestGateway(tree({ a: fault('a'), b: fault('b') }), { ready: ['a', 'b'] });
  registry = gateway.app.get(BackendRegistry);
  [onA, onB, aggregated] = await Promise.all([
    connectClient(`${gateway.baseUrl}/mcp/a`),
    connectClient(`${gateway.baseUrl}/mcp/b`),
    connectClient(`${gateway.baseUrl}/mcp`),
  ]);
  aggregated.setNotificationHandler(ToolListChangedNotificationSchema, () => {
    listChanged.push(Date.now());
  });
});

afterAll(async () => {
  await Promise.all([onA, onB, aggregated].map((client) => client?.close().catch(() => undefined)));
  const survivors = gateway ? await closeAndReap(gateway) : [];
  expect(survivors).toEqual([]);
});

describe('a reload that removes b, adds c and leaves a alone', () => {
  let pidA: number | undefined;
  let pidB: number | undefined;
  let backendA: unknown;

  beforeAll(async () => {
    pidA = registry.find('a')?.pid;
    pidB = registry.find('b')?.pid;
    backendA = registry.find('a');
  });

  it('keeps a: its in-flight call finishes, its session and process stay', async () => {
    const slow = onA.callTool({ name: 'slow', arguments: { ms: 1500 } });
    // The call has reached the backend before the reload starts.
    await waitFor(() => (registry.find('a')?.inFlight ?? 0) > 0, { timeoutMs: 5000, intervalMs: 10 });
    rewrite({ a: fault('a'), c: fault('c') });
    const changes = await gateway.app.get(ConfigReloader).reload();
    expect(changes).toEqual({ added: ['c'], removed: ['b'], restarted: [], kept: ['a'] });
    expect(firstText(await slow)).toBe('done after 1500ms');
    expect(registry.find('a')).toBe(backendA);
    expect(registry.find('a')?.pid).toBe(pidA);
    expect(firstText(await onA.callTool({ name: 'echo', arguments: { message: 'still here' } }))).toBe('still here');
  });

  it('stops b: its process ends and its sessions are closed', async () => {
    expect(registry.find('b')).toBeUndefined();
    await waitFor(() => !isAlive(pidB!), { timeoutMs: 10_000, intervalMs: 50, description: 'b stopped' });
    await expect(onB.callTool({ name: 'echo', arguments: { message: 'x' } })).rejects.toThrow();
  });

  it('starts c and tells the aggregated client its tools changed', async () => {
    await ready('c');
    await waitFor(() => listChanged.length > 0, { timeoutMs: 10_000, intervalMs: 50, description: 'list_changed' });
    const names = (await aggregated.listTools()).tools.map((tool) => tool.name);
    expect(names).toContain('c__echo');
    expect(names).toContain('a__echo');
    expect(names.some((name) => name.startsWith('b__'))).toBe(false);
  });
});

describe('a reload that changes a backend', () => {
  it('restarts it: a new process with the new settings', async () => {
    const before = registry.find('c')?.pid;
    rewrite({ a: fault('a'), c: fault('c', { env: { FAULT_NAME: 'c', EXTRA: 'yes' } }) });
    const changes = await gateway.app.get(ConfigReloader).reload();
    expect(changes).toMatchObject({ restarted: ['c'], kept: ['a'], added: [], removed: [] });
    await ready('c');
    expect(registry.find('c')?.pid).not.toBe(before);
    const client = await connectClient(`${gateway.baseUrl}/mcp/c`);
    expect(firstText(await client.callTool({ name: 'get_env', arguments: { name: 'EXTRA' } }))).toBe('yes');
    await client.close();
  });
});

describe('an invalid config', () => {
  it('changes nothing and logs one line per problem', async () => {
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    try {
      rewrite({ a: fault('a', { timeout: 'soon' }), d: { http_url: 'not a url' } });
      expect(await gateway.app.get(ConfigReloader).reload()).toBeUndefined();
      const lines = errors.mock.calls.map(([message]) => String(message));
      expect(lines).toEqual([
        expect.stringMatching(/^config reload refused, nothing changed: backends\.a\.timeout: /),
        expect.stringMatching(/^config reload refused, nothing changed: backends\.d\.http_url: /),
      ]);
      expect(registry.names().sort()).toEqual(['a', 'c']);
    } finally {
      errors.mockRestore();
    }
  });
});

describe('server.watch_config', () => {
  it('reloads when the file changes', async () => {
    const watched = await startTestGateway(tree({}, { watch_config: true }));
    try {
      writeFileSync(watched.temp.file, stringify(tree({ w: fault('w') }, { watch_config: true })));
      const watchedRegistry = watched.app.get(BackendRegistry);
      await waitFor(() => watchedRegistry.find('w') !== undefined, {
        timeoutMs: 10_000,
        intervalMs: 50,
        description: 'w added by the file watch',
      });
    } finally {
      await closeAndReap(watched);
    }
  });
});
