// Three built gateways sharing one Redis behind a round-robin proxy: consecutive requests of one session land on
// different replicas, and replicas die (SIGKILL) one by one while the client goes on with the same session.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { CallToolResultSchema, type Progress } from '@modelcontextprotocol/sdk/types.js';
import { stringify } from 'yaml';
import { cleanEnv, ensureGatewayBuilt, spawnGateway, type GatewayProcess } from './helpers/built-gateway.js';
import { faultStdioCommand } from './helpers/fault.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { childPids } from './helpers/proc-tree.js';
import { freePort, isAlive, killPid, stopProcess, waitFor } from './helpers/processes.js';
import { deletePrefix, redisUrl, testKeyPrefix } from './helpers/redis.js';

jest.setTimeout(180_000);

interface Replica {
  port: number;
  gateway: GatewayProcess;
  alive: boolean;
  /** Requests the proxy sent here. */
  served: number;
}

/** Round robin over the live replicas; a replica that refuses the connection is skipped (as a balancer would). */
function roundRobinProxy(replicas: Replica[]): Server {
  let next = 0;
  return createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const attempt = (tries: number) => {
        const live = replicas.filter((r) => r.alive);
        const replica = live[next++ % live.length];
        const upstream = httpRequest(
          { host: '127.0.0.1', port: replica.port, method: req.method, path: req.url, headers: req.headers },
          (answer) => {
            replica.served++;
            res.writeHead(answer.statusCode ?? 502, answer.headers);
            answer.pipe(res);
          },
        );
        upstream.on('error', () => {
          if (res.headersSent) res.destroy();
          else if (tries > 0) attempt(tries - 1);
          else res.writeHead(502).end();
        });
        res.on('close', () => upstream.destroy());
        upstream.end(body);
      };
      attempt(replicas.length);
    });
  });
}

describe('three replicas, one Redis (store.redis)', () => {
  const prefix = testKeyPrefix('replicas');
  const replicas: Replica[] = [];
  let dir: string;
  let proxy: Server;
  let proxyUrl: string;

  beforeAll(async () => {
    await ensureGatewayBuilt();
    dir = mkdtempSync(join(tmpdir(), 'replicas-'));
    for (let n = 0; n < 3; n++) {
      const port = await freePort();
      const config = join(dir, `gateway-${n}.yaml`);
      writeFileSync(
        config,
        stringify({
          server: { port, rate_limit: { enabled: true, requests_per_second: 10, burst: 10 } },
          logging: { level: 'info', format: 'json' },
          store: { redis: { url: redisUrl, key_prefix: prefix, timeout: '2s' } },
          backends: { fault: stdioBackend(faultStdioCommand()) },
        }),
      );
      replicas.push({ port, gateway: spawnGateway(['--config', config], { env: cleanEnv() }), alive: true, served: 0 });
    }
    for (const replica of replicas) {
      await waitFor(
        async () => {
          const health = await fetch(`http://127.0.0.1:${replica.port}/health`).catch(() => undefined);
          const body = (await health?.json().catch(() => undefined)) as { components?: { store?: { status: string } } };
          return body?.components?.store?.status === 'up';
        },
        { timeoutMs: 60_000, description: `replica on ${replica.port} to report the store up` },
      );
    }
    proxy = roundRobinProxy(replicas);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    proxy?.closeAllConnections();
    proxy?.close();
    for (const replica of replicas) {
      if (!replica.alive) continue;
      const leftovers = childPids(replica.gateway.pid);
      await stopProcess(replica.gateway.child);
      for (const pid of leftovers) if (isAlive(pid)) killPid(pid);
    }
    await deletePrefix(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  const kill = (replica: Replica) => {
    const leftovers = childPids(replica.gateway.pid);
    replica.alive = false;
    killPid(replica.gateway.pid);
    for (const pid of leftovers) if (isAlive(pid)) killPid(pid);
  };

  it('the inbound rate limit of one client holds across the three replicas together', async () => {
    // 30 requests at once from one API key, spread over three replicas: 10 (one burst) pass, plus what refills.
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 30 }, () =>
        fetch(`${proxyUrl}/mcp`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            'x-api-key': 'flood',
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        }).then((res) => res.status),
      ),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const passed = statuses.filter((status) => status !== 429).length;
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    // Per replica alone, each would let a burst of 10 through: 30 in all.
    expect(passed).toBeLessThanOrEqual(10 + Math.ceil(10 * elapsedS) + 1);
    expect(passed).toBeGreaterThanOrEqual(10);
  });

  it('DELETE on one replica ends the session on every replica', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${proxyUrl}/mcp/fault`), {
      requestInit: { headers: { 'x-api-key': 'delete-client' } },
    });
    const client = new Client({ name: 'replicas-delete', version: '1.0.0' });
    await client.connect(transport);
    await client.listTools();
    await client.listTools();
    const sessionId = transport.sessionId!;
    await transport.terminateSession();
    await client.close();
    for (const replica of replicas) {
      const res = await fetch(`http://127.0.0.1:${replica.port}/mcp/fault`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': sessionId,
          'x-api-key': 'delete-client',
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
      });
      expect(res.status).toBe(404);
    }
  });

  it('one session survives SIGKILL of two replicas out of three: same id, tools listed and called with progress', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${proxyUrl}/mcp/fault`), {
      requestInit: { headers: { 'x-api-key': 'session-client' } },
    });
    const client = new Client({ name: 'replicas-test', version: '1.0.0' });
    await client.connect(transport);
    const sessionId = transport.sessionId;
    expect(sessionId).toBeTruthy();

    const call = async (text: string) => {
      const updates: Progress[] = [];
      const slow = await client.request(
        { method: 'tools/call', params: { name: 'slow', arguments: { ms: 300, progress_every_ms: 100 } } },
        CallToolResultSchema,
        { onprogress: (progress) => updates.push(progress), timeout: 20_000 },
      );
      expect(slow.isError).toBeFalsy();
      expect(updates.length).toBeGreaterThan(0);
      const echo = await client.callTool({ name: 'echo', arguments: { message: text } });
      expect(firstText(echo)).toContain(text);
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('slow');
      expect(transport.sessionId).toBe(sessionId);
    };

    await call('all three up');
    // Every replica has served this session by now (round robin), each rebuilding it from Redis.
    expect(replicas.every((replica) => replica.served > 0)).toBe(true);
    kill(replicas[0]);
    await call('first replica killed');
    kill(replicas[1]);
    await call('second replica killed');
    await client.close();
  });
});
