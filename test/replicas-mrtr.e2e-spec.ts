// Issue 16: a modern (2026-07-28) client's input_required retry lands on another replica than the one holding the
// parked backend call (three built gateways, one Redis, a round-robin proxy): it is relayed to the owner and the
// call completes; once the owner was SIGKILLed, the retry gets a clear error instead of hanging.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client as ModernClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { Redis } from 'ioredis';
import { stringify } from 'yaml';
import { cleanEnv, ensureGatewayBuilt, spawnGateway, type GatewayProcess } from './helpers/built-gateway.js';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { childPids } from './helpers/proc-tree.js';
import { freePort, isAlive, killPid, stopProcess, waitFor } from './helpers/processes.js';
import { mcpPostHeaders, rawRequest } from './helpers/raw-http.js';
import { deletePrefix, redisUrl, testKeyPrefix } from './helpers/redis.js';
import { roundRobinProxy, type GetStreams, type Upstream } from './helpers/round-robin-proxy.js';

jest.setTimeout(180_000);

const MODERN = '2026-07-28';
const PRINCIPALS = ['mrtr-client', 'mrtr-killed', 'mrtr-raw'];
const key = (principal: string) => `${principal}-key-0123456789abcdef`;

interface Replica extends Upstream {
  gateway: GatewayProcess;
}

describe('three replicas, one Redis: input_required retries of modern clients', () => {
  const prefix = testKeyPrefix('replicas-mrtr');
  const replicas: Replica[] = [];
  let dir: string;
  let proxy: Server;
  let proxyUrl: string;
  const gets: GetStreams<Replica> = { lastEventIds: [], events: [], posts: [] };
  const clients: ModernClient[] = [];

  beforeAll(async () => {
    await ensureGatewayBuilt();
    dir = mkdtempSync(join(tmpdir(), 'replicas-mrtr-'));
    for (let n = 0; n < 3; n++) {
      const port = await freePort();
      const config = join(dir, `gateway-${n}.yaml`);
      writeFileSync(
        config,
        stringify({
          server: { port },
          logging: { level: 'info', format: 'json' },
          store: { redis: { url: redisUrl, key_prefix: prefix, timeout: '2s', liveness_ttl: '2s' } },
          auth: { api_keys: PRINCIPALS.map((id) => ({ id, key: key(id) })) },
          backends: { everything: stdioBackend(everythingStdioCommand()) },
        }),
      );
      replicas.push({ port, gateway: spawnGateway(['--config', config], { env: cleanEnv() }), alive: true, served: 0 });
    }
    for (const replica of replicas) {
      await waitFor(
        async () => {
          const health = await fetch(`http://127.0.0.1:${replica.port}/health`, {
            headers: { authorization: `Bearer ${key('mrtr-client')}` },
          }).catch(() => undefined);
          const body = (await health?.json().catch(() => undefined)) as { components?: { store?: { status: string } } };
          return body?.components?.store?.status === 'up';
        },
        { timeoutMs: 60_000, description: `replica on ${replica.port} to report the store up` },
      );
    }
    proxy = roundRobinProxy(replicas, gets);
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    proxyUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
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

  /** An SDK 2.x client pinned to 2026-07-28 that can answer sampling, through the proxy, as `principal`. */
  async function modernClient(principal: string): Promise<ModernClient> {
    const client = new ModernClient(
      { name: `mrtr-${principal}`, version: '1.0.0' },
      { capabilities: { sampling: {} }, versionNegotiation: { mode: { pin: MODERN } } },
    );
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${proxyUrl}/mcp/everything`), {
        requestInit: { headers: { authorization: `Bearer ${key(principal)}` } },
      }),
    );
    clients.push(client);
    return client;
  }

  /** The POSTs of the calls to trigger-sampling-request since `from`: each call's first request, then its retry. */
  const samplingPosts = (from: number) =>
    gets.posts!.slice(from).filter((post) => post.body.includes('trigger-sampling-request'));
  const requestStateOf = (body: string) =>
    (JSON.parse(body) as { params?: { requestState?: string } }).params?.requestState;

  it("a call needing sampling completes when its retry lands on another replica than the one holding the backend's request", async () => {
    const client = await modernClient('mrtr-client');
    let asked = 0;
    client.setRequestHandler('sampling/createMessage', async () => {
      asked++;
      return { role: 'assistant', model: 'relayed-model', content: { type: 'text', text: `relayed answer ${asked}` } };
    });
    const from = gets.posts!.length;
    for (let n = 1; n <= 3; n++) {
      const result = await client.callTool({
        name: 'trigger-sampling-request',
        arguments: { prompt: `question ${n}`, maxTokens: 10 },
      });
      expect(JSON.stringify(result.content)).toContain(`relayed answer ${n}`);
    }
    expect(asked).toBe(3);
    // Each call: a first POST (answered input_required) and a retry carrying the gateway's requestState, which went
    // to another replica (round robin) than the one that issued it.
    const posts = samplingPosts(from);
    expect(posts).toHaveLength(6);
    for (let n = 0; n < 3; n++) {
      const [first, retry] = [posts[2 * n], posts[2 * n + 1]];
      expect(requestStateOf(first.body)).toBeUndefined();
      expect(requestStateOf(retry.body)).toMatch(/^mcp-gateway\.1\.[\w-]+\./);
      expect(retry.replica).not.toBe(first.replica);
    }
  });

  it('a retry reaching the replica holding its call costs no Redis; one reaching another is published to the owner', async () => {
    let id = 0;
    const post = async (replica: Replica, extra: Record<string, unknown> = {}) => {
      const params = {
        name: 'trigger-sampling-request',
        arguments: { prompt: 'raw', maxTokens: 5 },
        ...extra,
        _meta: {
          'io.modelcontextprotocol/protocolVersion': MODERN,
          'io.modelcontextprotocol/clientInfo': { name: 'mrtr-raw', version: '1' },
          'io.modelcontextprotocol/clientCapabilities': { sampling: {} },
        },
      };
      const answer = await rawRequest(`http://127.0.0.1:${replica.port}/mcp/everything`, {
        headers: mcpPostHeaders({
          'mcp-protocol-version': MODERN,
          'mcp-method': 'tools/call',
          'mcp-name': 'trigger-sampling-request',
          authorization: `Bearer ${key('mrtr-raw')}`,
        }),
        body: JSON.stringify({ jsonrpc: '2.0', id: ++id, method: 'tools/call', params }),
      });
      const data = answer.text.startsWith('event:')
        ? answer.text
            .split('\n')
            .filter((line) => line.startsWith('data: '))
            .at(-1)!
            .slice(6)
        : answer.text;
      return (JSON.parse(data) as { result: Record<string, unknown> }).result;
    };
    const sampled = { role: 'assistant', model: 'm', content: { type: 'text', text: 'raw answer' } };
    const roundTrip = async (first: Replica, second: Replica) => {
      const asked = await post(first);
      expect(asked.resultType).toBe('input_required');
      const [inputKey] = Object.keys(asked.inputRequests as object);
      const lines: string[] = [];
      const monitor = await new Redis(redisUrl).monitor();
      monitor.on('monitor', (_time: string, args: string[]) => {
        if (args.some((arg) => arg.startsWith(prefix))) lines.push(args.join(' '));
      });
      try {
        // Monitoring is on once monitor() resolves.
        const done = await post(second, {
          requestState: asked.requestState,
          inputResponses: { [inputKey]: sampled },
        });
        expect(done.resultType).toBe('complete');
        expect(JSON.stringify(done.content)).toContain('raw answer');
      } finally {
        monitor.disconnect();
      }
      return lines.filter((line) => /input-required|EXISTS/i.test(line));
    };
    // On the owner: nothing about the parked call goes to Redis.
    expect(await roundTrip(replicas[0], replicas[0])).toEqual([]);
    // On another replica: published to the owner's channel, and the owner's answer published back.
    const relayed = await roundTrip(replicas[0], replicas[1]);
    expect(relayed.filter((line) => /^publish \S+input-required:/i.test(line)).length).toBeGreaterThanOrEqual(2);
  });

  it("a retry after the owner replica was SIGKILLed gets a JSON-RPC error saying the call's outcome is unknown, not a hang", async () => {
    const client = await modernClient('mrtr-killed');
    const from = gets.posts!.length;
    let killed: Replica | undefined;
    client.setRequestHandler('sampling/createMessage', async () => {
      // The replica that got the call holds the backend's request: it dies before the client answers.
      const owner = samplingPosts(from)[0].replica;
      const leftovers = childPids(owner.gateway.pid);
      owner.alive = false;
      killPid(owner.gateway.pid);
      for (const pid of leftovers) if (isAlive(pid)) killPid(pid);
      await owner.gateway.closed;
      killed = owner;
      return { role: 'assistant', model: 'm', content: { type: 'text', text: 'too late' } };
    });
    const call = client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'q', maxTokens: 5 } });
    await expect(call).rejects.toThrow(
      /replica \S+ holding this request \(its requestState\) is gone: its liveness key in Redis expired, so the call's outcome is unknown/,
    );
    expect(killed).toBeDefined();
    const posts = samplingPosts(from);
    expect(posts).toHaveLength(2);
    const retry = posts[1];
    expect(retry.replica).not.toBe(killed);
    // The error names the replica the requestState names.
    const owner = /^mcp-gateway\.1\.([\w-]+)\./.exec(requestStateOf(retry.body)!)![1];
    expect(killed!.gateway.stdoutLines.some((line) => line.includes(`replica ${owner}`))).toBe(true);

    // The survivors still serve relayed retries between themselves.
    let asked = 0;
    const survivor = await modernClient('mrtr-client');
    survivor.setRequestHandler('sampling/createMessage', async () => {
      asked++;
      return { role: 'assistant', model: 'm', content: { type: 'text', text: 'after the kill' } };
    });
    for (let n = 0; n < 2; n++) {
      const result = await survivor.callTool({
        name: 'trigger-sampling-request',
        arguments: { prompt: 'again', maxTokens: 5 },
      });
      expect(JSON.stringify(result.content)).toContain('after the kill');
    }
    expect(asked).toBe(2);
  });
});
