// Progress and cancellation cross the gateway: on /mcp/{backend} and through gateway_invoke alike.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { faultStdioCommand, readCallLog } from './helpers/fault.js';
import { startTestGateway, type RunningGateway } from './helpers/gateway-app.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { waitFor } from './helpers/processes.js';

jest.setTimeout(60_000);

describe('progress and cancellation through the gateway', () => {
  let gateway: RunningGateway;
  let dir: string;
  let callLog: string;
  const clients: Client[] = [];

  const connect = async (path: string): Promise<Client> => {
    const client = new Client({ name: 'progress-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.baseUrl}${path}`)));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'progress-'));
    callLog = join(dir, 'calls.log');
    gateway = await startTestGateway({
      // A 1 s request timeout that a 2.5 s call survives only because progress resets it.
      server: { request_timeout: '1s' },
      backends: { fault: stdioBackend({ ...faultStdioCommand(), env: { FAULT_CALL_LOG: callLog } }) },
    });
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const slowCall = async (client: Client, viaMeta: boolean) => {
    const updates: Progress[] = [];
    const args = { ms: 2500, progress_every_ms: 300 };
    const params = viaMeta
      ? { name: 'gateway_invoke', arguments: { server: 'fault', tool: 'slow', arguments: args } }
      : { name: 'slow', arguments: args };
    const result = await client.request({ method: 'tools/call', params }, CallToolResultSchema, {
      onprogress: (progress) => updates.push(progress),
      resetTimeoutOnProgress: true,
      timeout: 5000,
    });
    return { result, updates };
  };

  it.each([
    ['/mcp/fault', false],
    ['/mcp (gateway_invoke)', true],
  ])('delivers every progress notification in order and outlives the request timeout: %s', async (_label, viaMeta) => {
    const client = await connect(viaMeta ? '/mcp' : '/mcp/fault');
    const { result, updates } = await slowCall(client, viaMeta);
    expect(result.content).toEqual([{ type: 'text', text: 'done after 2500ms' }]);
    // One update every 300 ms over 2.5 s; each strictly after the previous one.
    expect(updates.length).toBeGreaterThanOrEqual(6);
    for (let i = 1; i < updates.length; i++) expect(updates[i].progress).toBeGreaterThan(updates[i - 1].progress);
    expect(updates.every((update) => update.total === 2500)).toBe(true);
  });

  it.each([
    ['/mcp/fault', false],
    ['/mcp (gateway_invoke)', true],
  ])('a cancelled call is cancelled at the backend: %s', async (_label, viaMeta) => {
    const client = await connect(viaMeta ? '/mcp' : '/mcp/fault');
    const before = readCallLog(callLog).filter((line) => line === 'cancelled hang').length;
    const controller = new AbortController();
    const params = viaMeta
      ? { name: 'gateway_invoke', arguments: { server: 'fault', tool: 'hang', arguments: {} } }
      : { name: 'hang', arguments: {} };
    const call = client.request({ method: 'tools/call', params }, CallToolResultSchema, {
      signal: controller.signal,
      timeout: 10_000,
    });
    await waitFor(() => readCallLog(callLog).filter((line) => line === 'hang').length > before, {
      timeoutMs: 5000,
      description: 'the backend to receive the hang call',
    });
    controller.abort('user pressed stop');
    await expect(call).rejects.toThrow();
    await waitFor(() => readCallLog(callLog).filter((line) => line === 'cancelled hang').length > before, {
      timeoutMs: 5000,
      description: 'the backend to log the cancellation',
    });
  });
});

describe('progress resets the timeout only up to server.max_request_duration', () => {
  let gateway: RunningGateway;
  let dir: string;
  let callLog: string;
  let client: Client;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'max-duration-'));
    callLog = join(dir, 'calls.log');
    gateway = await startTestGateway({
      server: { request_timeout: '1s', max_request_duration: '2s' },
      backends: { fault: stdioBackend({ ...faultStdioCommand(), env: { FAULT_CALL_LOG: callLog } }) },
    });
    client = new Client({ name: 'max-duration-test', version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(`${gateway.baseUrl}/mcp/fault`)));
  });

  afterAll(async () => {
    await client?.close().catch(() => undefined);
    await gateway?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('ends a call that keeps reporting progress past the maximum, and cancels it at the backend', async () => {
    const started = Date.now();
    const updates: Progress[] = [];
    const call = client.request(
      { method: 'tools/call', params: { name: 'slow', arguments: { ms: 3500, progress_every_ms: 300 } } },
      CallToolResultSchema,
      { onprogress: (progress) => updates.push(progress), resetTimeoutOnProgress: true, timeout: 10_000 },
    );
    // Past the 1 s request timeout thanks to progress, ended by the 2 s maximum.
    await expect(call).rejects.toThrow(/did not answer tools\/call/);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(updates.length).toBeGreaterThanOrEqual(4);
    // Before its 3.5 s were up: the backend logs `cancelled slow` only for a call cancelled before it finished.
    await waitFor(() => readCallLog(callLog).includes('cancelled slow'), {
      timeoutMs: 5000,
      description: 'the backend to log the cancellation of slow',
    });
  });
});
