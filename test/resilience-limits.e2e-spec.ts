// Limits against real backends: a burst beyond a backend's requests_per_second gets tool errors while another
// backend is unaffected; the inbound per-client limit answers 429 with Retry-After; max_concurrency holds under 200
// parallel calls, and beyond the queue calls fail at once.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { BackendRegistry } from '@gateway/backends';
import { faultStdioCommand, readCallLog } from './helpers/fault.js';
import {
  closeAndReap,
  connectClient,
  initializeMessage,
  postJsonRpc,
  startTestGateway,
  type TestGateway,
} from './helpers/gateway.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { sampleValue } from './helpers/prometheus-text.js';
import { invoke, scrape } from './helpers/resilience.js';

jest.setTimeout(60_000);

const open: Array<{ gateway: TestGateway; clients: Client[] }> = [];
const dir = mkdtempSync(join(tmpdir(), 'resilience-limits-'));

afterEach(async () => {
  for (const { gateway, clients } of open.splice(0)) {
    await Promise.allSettled(clients.map((client) => client.close()));
    expect(await closeAndReap(gateway)).toEqual([]);
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function start(tree: Record<string, unknown>, ready: string[]) {
  const gateway = await startTestGateway(tree, { ready });
  const entry = { gateway, clients: [] as Client[] };
  open.push(entry);
  const connect = async (path = '/mcp') => {
    const client = await connectClient(`${gateway.baseUrl}${path}`);
    entry.clients.push(client);
    return client;
  };
  return { gateway, connect };
}

describe('per-backend rate limit', () => {
  it('a burst beyond requests_per_second gets tool errors; another backend is unaffected', async () => {
    const { gateway, connect } = await start(
      {
        failsafe: { rate_limit: { requests_per_second: 1, burst: 5 }, health_check: { enabled: false } },
        backends: { busy: stdioBackend(faultStdioCommand()), calm: stdioBackend(faultStdioCommand()) },
      },
      ['busy', 'calm'],
    );
    const client = await connect();
    // Startup's tools/list took a token; let the bucket fill up again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const [busy, calm] = await Promise.all([
      Promise.all(Array.from({ length: 20 }, (_, i) => invoke(client, 'busy', 'echo', { message: `b${i}` }))),
      Promise.all(Array.from({ length: 5 }, (_, i) => invoke(client, 'calm', 'echo', { message: `c${i}` }))),
    ]);
    const limited = busy.filter((result) => result.isError);
    expect(busy.filter((result) => !result.isError)).toHaveLength(5);
    expect(limited).toHaveLength(15);
    for (const result of limited) {
      expect(result.text).toMatch(
        /^Server busy is rate limited: more than 1 request per second \(burst 5\); retry in \d+ms\.$/,
      );
    }
    expect(calm.every((result) => !result.isError)).toBe(true);

    const metrics = await scrape(gateway);
    expect(sampleValue(metrics, 'mcp_gateway_rate_limit_rejections_total', { scope: 'backend', backend: 'busy' })).toBe(
      15,
    );
    expect(sampleValue(metrics, 'mcp_gateway_rate_limit_rejections_total', { scope: 'backend', backend: 'calm' })).toBe(
      0,
    );
    expect(
      sampleValue(metrics, 'mcp_gateway_backend_requests_total', {
        backend: 'busy',
        method: 'tools/call',
        outcome: 'rate_limited',
      }),
    ).toBe(15);

    // The bucket refills: after a second, calls pass again.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await invoke(client, 'busy', 'echo', { message: 'later' })).text).toBe('later');
  });
});

describe('per-backend rate limit shared fairly between clients', () => {
  it("one client flooding takes what the others leave; another client's modest calls all succeed", async () => {
    const { connect } = await start(
      {
        failsafe: { rate_limit: { requests_per_second: 20, burst: 10 }, health_check: { enabled: false } },
        backends: { shared: stdioBackend(faultStdioCommand()) },
      },
      ['shared'],
    );
    const [flooder, modest] = await Promise.all([connect(), connect()]);
    // The modest client is a known client of the backend before the flood starts.
    expect((await invoke(modest, 'shared', 'echo', { message: 'first' })).isError).toBe(false);
    let flooding = true;
    const flood = { granted: 0, refused: 0 };
    const loops = Array.from({ length: 4 }, async () => {
      while (flooding) {
        const result = await invoke(flooder, 'shared', 'echo', { message: 'flood' });
        if (result.isError) {
          expect(result.text).toMatch(/^Server shared is rate limited/);
          flood.refused++;
        } else {
          flood.granted++;
        }
      }
    });
    const started = performance.now();
    // 12 calls, one every 250 ms: 4 per second, under its share (10 per second) of the 20.
    const modestResults = [];
    for (let i = 0; i < 12; i++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      modestResults.push(await invoke(modest, 'shared', 'echo', { message: `m${i}` }));
    }
    flooding = false;
    await Promise.all(loops);
    const seconds = (performance.now() - started) / 1000;
    expect(modestResults.filter((result) => result.isError).map((result) => result.text)).toEqual([]);
    // The flood was limited, and the backend's limit held in total (burst plus the rate over the run).
    expect(flood.refused).toBeGreaterThan(0);
    expect(flood.granted + 12).toBeLessThanOrEqual(10 + Math.ceil(20 * seconds) + 1);
  });
});

describe('inbound rate limit per client', () => {
  it('answers 429 with Retry-After beyond the burst, per API key, and never limits /health or /metrics', async () => {
    const { gateway } = await start(
      {
        server: { rate_limit: { enabled: true, requests_per_second: 1, burst: 3 } },
        failsafe: { health_check: { enabled: false } },
        backends: {},
      },
      [],
    );
    const url = `${gateway.baseUrl}/mcp`;
    const alice = { 'x-api-key': 'alice-key' };
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await postJsonRpc(url, initializeMessage(i), alice)).status);
    expect(statuses).toEqual([200, 200, 200]);

    const refused = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...alice },
      body: JSON.stringify(initializeMessage(9)),
    });
    expect(refused.status).toBe(429);
    const retryAfter = Number(refused.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(3);
    expect(((await refused.json()) as { message: string }).message).toMatch(
      /^Too many requests from this client: more than 1 per second \(burst 3\); retry in \d+s$/,
    );

    // Another client (another key) has its own budget.
    expect((await postJsonRpc(url, initializeMessage(1), { 'x-api-key': 'bob-key' })).status).toBe(200);
    // Never 429 (503 here: with no backend configured the gateway is not healthy).
    for (let i = 0; i < 10; i++) expect((await gateway.get('/health')).status).toBe(503);
    await scrape(gateway);
    await scrape(gateway);
    const metrics = await scrape(gateway);
    expect(sampleValue(metrics, 'mcp_gateway_rate_limit_rejections_total', { scope: 'inbound' })).toBe(1);
  });
});

describe('concurrency limit', () => {
  it('holds under 200 parallel calls: never more than max_concurrency at the backend, all served from the queue', async () => {
    const callLog = join(dir, 'pool.log');
    const { gateway, connect } = await start(
      {
        failsafe: { rate_limit: { enabled: false }, health_check: { enabled: false } },
        backends: {
          pool: stdioBackend(faultStdioCommand(), {
            max_concurrency: 4,
            max_queue: 200,
            env: { FAULT_CALL_LOG: callLog },
          }),
        },
      },
      ['pool'],
    );
    const policy = gateway.app.get(BackendRegistry).get('pool').policy!;
    const client = await connect();
    let peak = 0;
    let peakQueued = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, policy.load.active);
      peakQueued = Math.max(peakQueued, policy.load.queued);
    }, 2);
    const started = performance.now();
    let results;
    try {
      results = await Promise.all(Array.from({ length: 200 }, () => invoke(client, 'pool', 'slow', { ms: 40 })));
    } finally {
      clearInterval(sampler);
    }
    const elapsed = performance.now() - started;
    expect(results.filter((result) => result.isError)).toEqual([]);
    expect(readCallLog(callLog).filter((line) => line === 'slow')).toHaveLength(200);
    expect(peak).toBe(4);
    expect(peakQueued).toBeGreaterThan(0);
    // 200 calls of 40ms, four at a time, cannot finish sooner than 50 rounds.
    expect(elapsed).toBeGreaterThanOrEqual((200 / 4) * 40);
    expect(policy.load).toEqual({ active: 0, queued: 0 });
  });

  it('beyond max_concurrency + max_queue, calls fail at once with a clear error', async () => {
    const { gateway, connect } = await start(
      {
        failsafe: { rate_limit: { enabled: false }, health_check: { enabled: false } },
        backends: { tight: stdioBackend(faultStdioCommand(), { max_concurrency: 2, max_queue: 2 }) },
      },
      ['tight'],
    );
    const client = await connect();
    const results = await Promise.all(Array.from({ length: 12 }, () => invoke(client, 'tight', 'slow', { ms: 1500 })));
    const served = results.filter((result) => !result.isError);
    const refused = results.filter((result) => result.isError);
    expect(served).toHaveLength(4);
    expect(refused).toHaveLength(8);
    for (const result of refused) {
      expect(result.ms).toBeLessThan(1000);
      expect(result.text).toBe(
        'Server tight is busy: 2 requests running and 2 queued (max_concurrency 2, max_queue 2); retry shortly.',
      );
    }
    const metrics = await scrape(gateway);
    expect(
      sampleValue(metrics, 'mcp_gateway_backend_requests_total', {
        backend: 'tight',
        method: 'tools/call',
        outcome: 'concurrency_limited',
      }),
    ).toBe(8);
  });
});
