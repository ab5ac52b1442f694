// A hung backend: the call fails at the backend's timeout, the backend receives the cancellation, and other
// backends keep answering at their normal latency meanwhile. Progress extends the timeout; a client's own cancel
// reaches the backend and is not held against it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { faultStdioCommand, readCallLog } from './helpers/fault.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { sampleValue } from './helpers/prometheus-text.js';
import { waitFor } from './helpers/processes.js';
import { circuitOf, invoke, scrape } from './helpers/resilience.js';

jest.setTimeout(30_000);

const TIMEOUT_MS = 500;

let gateway: TestGateway;
let client: Client;
let direct: Client;
let dir: string;
let callLog: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'resilience-timeout-'));
  callLog = join(dir, 'hung.log');
  gateway = await startTestGateway(
    {
      // No per-backend rate limit: the latency probe below calls `other` back to back, hundreds of times a second.
      failsafe: { health_check: { enabled: false }, rate_limit: { enabled: false } },
      backends: {
        hung: stdioBackend(faultStdioCommand(), { timeout: `${TIMEOUT_MS}ms`, env: { FAULT_CALL_LOG: callLog } }),
        other: stdioBackend(faultStdioCommand(), { env: { FAULT_NAME: 'other' } }),
      },
    },
    { ready: ['hung', 'other'] },
  );
  client = await connectClient(`${gateway.baseUrl}/mcp`);
  direct = await connectClient(`${gateway.baseUrl}/mcp/hung`);
});

afterAll(async () => {
  await client?.close();
  await direct?.close();
  if (gateway) expect(await closeAndReap(gateway)).toEqual([]);
  rmSync(dir, { recursive: true, force: true });
});

const cancelledHangs = () => readCallLog(callLog).filter((line) => line === 'cancelled hang').length;
const cancellationsReceived = () => readCallLog(callLog).filter((line) => line.startsWith('notified cancelled')).length;

describe('a hung backend', () => {
  it('fails at its timeout, cancels at the backend, and other backends keep their normal latency', async () => {
    const baseline: number[] = [];
    for (let i = 0; i < 5; i++) baseline.push((await invoke(client, 'other', 'echo', { message: 'warm' })).ms);

    const hanging = invoke(client, 'hung', 'hang');
    const during: number[] = [];
    const deadline = performance.now() + TIMEOUT_MS - 100;
    while (performance.now() < deadline) {
      const result = await invoke(client, 'other', 'echo', { message: 'meanwhile' });
      expect(result).toMatchObject({ isError: false, text: 'meanwhile' });
      during.push(result.ms);
    }
    // The hung backend's own process answers other requests too: only the one call hangs.
    expect((await invoke(client, 'hung', 'echo', { message: 'not stuck' })).text).toBe('not stuck');

    const hung = await hanging;
    expect(hung.isError).toBe(true);
    expect(hung.text).toBe(
      `Server hung did not answer tools/call within ${TIMEOUT_MS}ms; the request was cancelled at the server.`,
    );
    expect(hung.ms).toBeGreaterThanOrEqual(TIMEOUT_MS - 10);
    expect(hung.ms).toBeLessThan(TIMEOUT_MS + 1000);
    await waitFor(() => cancelledHangs() === 1, { description: '`cancelled hang` in the call log' });

    expect(during.length).toBeGreaterThanOrEqual(3);
    const slowest = Math.max(...baseline);
    for (const ms of during) expect(ms).toBeLessThan(Math.max(250, slowest * 3));
  });

  it('a call that completes within its deadline sends no cancellation to the backend', async () => {
    const before = cancellationsReceived();
    for (let i = 0; i < 5; i++) {
      expect((await invoke(client, 'hung', 'echo', { message: `on time ${i}` })).text).toBe(`on time ${i}`);
      expect(firstText(await direct.callTool({ name: 'echo', arguments: { message: `direct ${i}` } }))).toBe(
        `direct ${i}`,
      );
    }
    // One more call: the pipe is ordered, so whatever was sent after the answers above reached the backend before it.
    expect((await invoke(client, 'hung', 'echo', { message: 'last' })).text).toBe('last');
    expect(readCallLog(callLog).filter((line) => line.startsWith('echo')).length).toBeGreaterThanOrEqual(10);
    expect(cancellationsReceived()).toBe(before);
  });

  it('on the direct route the timeout is a JSON-RPC error naming the backend', async () => {
    const error = await direct.callTool({ name: 'hang', arguments: {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(McpError);
    expect((error as McpError).message).toContain(
      `backend "hung" did not answer tools/call within ${TIMEOUT_MS}ms; the request was cancelled at the server.`,
    );
    expect((error as McpError).data).toMatchObject({ backend: 'hung', timeout_ms: TIMEOUT_MS });
    await waitFor(() => cancelledHangs() === 2, { description: 'second `cancelled hang`' });
  });

  it('progress extends the timeout: a slow call that reports progress completes', async () => {
    const progress: number[] = [];
    const result = await direct.callTool(
      { name: 'slow', arguments: { ms: TIMEOUT_MS * 3, progress_every_ms: 100 } },
      undefined,
      {
        onprogress: (p) => progress.push(p.progress),
        timeout: 10_000,
      },
    );
    expect(firstText(result)).toBe(`done after ${TIMEOUT_MS * 3}ms`);
    expect(progress.length).toBeGreaterThan(5);
  });

  it("a client's cancel reaches the backend and is not counted as a failure", async () => {
    const before = await scrape(gateway);
    const controller = new AbortController();
    const pending = client
      .callTool({ name: 'gateway_invoke', arguments: { server: 'hung', tool: 'hang' } }, undefined, {
        signal: controller.signal,
      })
      .catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort('user gave up');
    await pending;
    await waitFor(() => cancelledHangs() === 3, { description: 'third `cancelled hang`' });
    await waitFor(
      async () =>
        sampleValue(await scrape(gateway), 'mcp_gateway_backend_requests_total', {
          backend: 'hung',
          method: 'tools/call',
          outcome: 'cancelled',
        }) === 1,
      { description: 'one cancelled request in /metrics' },
    );
    const after = await scrape(gateway);
    const timeouts = (m: typeof after) =>
      sampleValue(m, 'mcp_gateway_backend_requests_total', {
        backend: 'hung',
        method: 'tools/call',
        outcome: 'timeout',
      });
    expect(timeouts(after)).toBe(timeouts(before));
    expect(await circuitOf(gateway, 'hung')).toBe('closed');
  });
});
