// Issue 16: a modern (2026-07-28) client's input_required retry lands on another replica than the one holding the
// parked backend call (three built gateways, one Redis, a round-robin proxy): it is relayed to the owner and the
// call completes; once the owner was SIGKILLed, the retry gets a clear error instead of hanging.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client as ModernClient, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { ensureGatewayBuilt } from './helpers/built-gateway.js';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { stdioBackend } from './helpers/gateway-config.js';
import { mcpPostHeaders, rawRequest } from './helpers/raw-http.js';
import { monitorRedis, testKeyPrefix } from './helpers/redis.js';
import { type GetStreams } from './helpers/round-robin-proxy.js';
import { killReplica, startFleet, type Fleet, type Replica } from './helpers/replica-fleet.js';

jest.setTimeout(180_000);

const MODERN = '2026-07-28';
const PRINCIPALS = ['mrtr-client', 'mrtr-killed', 'mrtr-raw'];
const key = (principal: string) => `${principal}-key-0123456789abcdef`;

describe('three replicas, one Redis: input_required retries of modern clients', () => {
  const prefix = testKeyPrefix('replicas-mrtr');
  const replicas: Replica[] = [];
  let fleet: Fleet | undefined;
  let proxyUrl: string;
  const gets: GetStreams<Replica> = { lastEventIds: [], events: [], posts: [] };
  const clients: ModernClient[] = [];

  beforeAll(async () => {
    await ensureGatewayBuilt();
    fleet = await startFleet({
      name: 'replicas-mrtr',
      prefix,
      keys: Object.fromEntries(PRINCIPALS.map((id) => [id, key(id)])),
      backends: { everything: stdioBackend(everythingStdioCommand()) },
      gets,
    });
    replicas.push(...fleet.replicas);
    proxyUrl = fleet.proxyUrl;
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await fleet?.stop();
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
      const monitor = await monitorRedis();
      try {
        // Monitoring is on once monitorRedis() resolves.
        const done = await post(second, {
          requestState: asked.requestState,
          inputResponses: { [inputKey]: sampled },
        });
        expect(done.resultType).toBe('complete');
        expect(JSON.stringify(done.content)).toContain('raw answer');
      } finally {
        monitor.stop();
      }
      return monitor.lines
        .filter((line) => line.includes(prefix))
        .filter((line) => /input-required|EXISTS/i.test(line));
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
      killReplica(owner);
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
