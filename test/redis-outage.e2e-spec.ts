// Redis stopped under a running replica (a redis-server this spec starts on its own port, ended by its PID: never
// the machine's Redis): the replica keeps serving the sessions it holds, /health says degraded naming Redis, and
// it recovers by itself when Redis returns.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { stringify } from 'yaml';
import { cleanEnv, ensureGatewayBuilt, spawnGateway, type GatewayProcess } from './helpers/built-gateway.js';
import { faultStdioCommand } from './helpers/fault.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { childPids } from './helpers/proc-tree.js';
import { freePort, isAlive, killPid, stopProcess, waitFor } from './helpers/processes.js';
import { startOwnRedis, testKeyPrefix, type OwnRedis } from './helpers/redis.js';

jest.setTimeout(120_000);

interface Health {
  status: string;
  components?: { store?: { status: string; reason?: string } };
}

describe('Redis stopped mid-run (store.redis)', () => {
  let redis: OwnRedis;
  let gateway: GatewayProcess;
  let dir: string;
  let baseUrl: string;

  const health = async (): Promise<Health> => (await (await fetch(`${baseUrl}/health`)).json()) as Health;

  beforeAll(async () => {
    await ensureGatewayBuilt();
    redis = await startOwnRedis();
    dir = mkdtempSync(join(tmpdir(), 'redis-outage-'));
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    const config = join(dir, 'gateway.yaml');
    writeFileSync(
      config,
      stringify({
        server: { port },
        logging: { level: 'info', format: 'json' },
        store: { redis: { url: redis.url, key_prefix: testKeyPrefix('outage'), timeout: '300ms' } },
        backends: { fault: stdioBackend(faultStdioCommand()) },
      }),
    );
    gateway = spawnGateway(['--config', config], { env: cleanEnv() });
    await waitFor(async () => (await health().catch(() => undefined))?.components?.store?.status === 'up', {
      timeoutMs: 60_000,
      description: 'the gateway to report the store up',
    });
  });

  afterAll(async () => {
    if (gateway) {
      const leftovers = childPids(gateway.pid);
      await stopProcess(gateway.child);
      for (const pid of leftovers) if (isAlive(pid)) killPid(pid);
    }
    await redis?.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the sessions it holds, reports the store degraded naming Redis, and recovers when Redis returns', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp/fault`));
    const client = new Client({ name: 'outage-test', version: '1.0.0' });
    await client.connect(transport);
    expect(firstText(await client.callTool({ name: 'echo', arguments: { message: 'before' } }))).toBe('before');

    await redis.kill();
    await waitFor(async () => (await health()).components?.store?.status === 'degraded', {
      timeoutMs: 20_000,
      description: '/health to show the store degraded',
    });
    const down = await health();
    expect(down.status).toBe('degraded');
    expect(down.components?.store?.reason).toMatch(new RegExp(`^Redis 127\\.0\\.0\\.1:${redis.port}: `));
    // The session lives on this replica: calls and a new session go on without Redis, none waiting for it.
    const started = Date.now();
    expect(firstText(await client.callTool({ name: 'echo', arguments: { message: 'during' } }))).toBe('during');
    const second = new Client({ name: 'outage-test-2', version: '1.0.0' });
    await second.connect(new StreamableHTTPClientTransport(new URL(`${baseUrl}/mcp/fault`)));
    expect((await second.listTools()).tools.length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(isAlive(gateway.pid)).toBe(true);

    redis = await startOwnRedis(redis.port);
    await waitFor(async () => (await health()).components?.store?.status === 'up', {
      timeoutMs: 30_000,
      description: '/health to show the store up again',
    });
    expect((await health()).status).toBe('healthy');
    expect(firstText(await client.callTool({ name: 'echo', arguments: { message: 'after' } }))).toBe('after');
    const logs = gateway.stdoutLines.join('\n');
    expect(logs).toContain('unavailable');
    expect(logs).toContain('is back');
    await Promise.all([client.close(), second.close()]);
  });
});
