// Retries only where a second copy can do no harm: a read-only tool whose process dies twice succeeds on the third
// attempt; a write whose backend dies mid-call is called exactly once and the client is told why it was not retried.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { faultStdioCommand, readCallLog } from './helpers/fault.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { sampleValue } from './helpers/prometheus-text.js';
import { invoke, scrape } from './helpers/resilience.js';

jest.setTimeout(30_000);

let gateway: TestGateway;
let client: Client;
let dir: string;
let readerLog: string;
let writerLog: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'resilience-retry-'));
  readerLog = join(dir, 'reader.log');
  writerLog = join(dir, 'writer.log');
  gateway = await startTestGateway(
    {
      failsafe: {
        retry: { max_attempts: 3, initial_backoff: '20ms', max_backoff: '100ms' },
        health_check: { enabled: false },
      },
      backends: {
        reader: stdioBackend(faultStdioCommand(), {
          env: { FAULT_NAME: 'reader', FAULT_CALL_LOG: readerLog, FAULT_STATE_DIR: join(dir, 'state') },
        }),
        writer: stdioBackend(faultStdioCommand(), {
          env: { FAULT_NAME: 'writer', FAULT_CALL_LOG: writerLog, FAULT_CRASH_ON_WRITE: '1' },
        }),
      },
    },
    { ready: ['reader', 'writer'] },
  );
  client = await connectClient(`${gateway.baseUrl}/mcp`);
});

afterAll(async () => {
  await client?.close();
  if (gateway) expect(await closeAndReap(gateway)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

describe('retries', () => {
  it('a readOnlyHint tool whose process crashes twice succeeds on the third attempt', async () => {
    const result = await invoke(client, 'reader', 'flaky_read', { key: 'k1', failures: 2 });
    expect(result).toMatchObject({ isError: false, text: 'ok k1' });
    expect(readCallLog(readerLog).filter((line) => line === 'flaky_read')).toHaveLength(3);

    const metrics = await scrape(gateway);
    expect(sampleValue(metrics, 'mcp_gateway_retries_total', { backend: 'reader', method: 'tools/call' })).toBe(2);
    expect(sampleValue(metrics, 'mcp_gateway_backend_restarts_total', { backend: 'reader' })).toBe(2);
    expect(
      sampleValue(metrics, 'mcp_gateway_tool_invocations_total', {
        backend: 'reader',
        tool: 'flaky_read',
        outcome: 'ok',
      }),
    ).toBe(1);
  });

  it('gives up after max_attempts with the transport error', async () => {
    const result = await invoke(client, 'reader', 'flaky_read', { key: 'k2', failures: 5 });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(/^Server reader is unavailable: .*Connection closed/);
    expect(readCallLog(readerLog).filter((line) => line === 'flaky_read')).toHaveLength(3 + 3);
  });

  it('a tool without hints whose backend dies mid-call is called exactly once, with a clear error', async () => {
    const result = await invoke(client, 'writer', 'write_once', { key: 'order-42' });
    expect(result.isError).toBe(true);
    expect(result.text).toMatch(
      /^Server writer failed during tools\/call write_once: .*Connection closed.*\. Not retried: /,
    );
    expect(result.text).toContain('the tool write_once may have run at the server');
    expect(result.text).toContain('check its effects before calling it again');
    // Give a wrongly scheduled retry time to happen, then count.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(readCallLog(writerLog).filter((line) => line === 'write_once')).toEqual(['write_once']);
    const metrics = await scrape(gateway);
    expect(sampleValue(metrics, 'mcp_gateway_retries_total', { backend: 'writer', method: 'tools/call' })).toBe(0);
    expect(
      sampleValue(metrics, 'mcp_gateway_tool_invocations_total', {
        backend: 'writer',
        tool: 'write_once',
        outcome: 'failure',
      }),
    ).toBe(1);
  });

  it('the crashed writer restarts on the next call, which works', async () => {
    expect(await invoke(client, 'writer', 'echo', { message: 'back' })).toMatchObject({ isError: false, text: 'back' });
  });
});
