// Three built gateways sharing one Redis behind a round-robin proxy: consecutive requests of one session land on
// different replicas, and replicas die (SIGKILL) one by one while the client goes on with the same session.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import {
  CallToolResultSchema,
  CreateMessageRequestSchema,
  McpError,
  ToolListChangedNotificationSchema,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { Redis } from 'ioredis';
import { ensureGatewayBuilt } from './helpers/built-gateway.js';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { faultStdioCommand } from './helpers/fault.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { waitFor } from './helpers/processes.js';
import { rawRequest, sseEvents } from './helpers/raw-http.js';
import { openRawSession, RAW_PROTOCOL_VERSION, sessionHeaders } from './helpers/raw-session.js';
import { redisUrl, testKeyPrefix } from './helpers/redis.js';
import { type GetStreams } from './helpers/round-robin-proxy.js';
import { killReplica, startFleet, type Fleet, type Replica } from './helpers/replica-fleet.js';

jest.setTimeout(180_000);

/** Each client of this spec is a principal of its own (auth.api_keys), with this key. */
const PRINCIPALS = [
  'flood',
  'delete-client',
  'sampling-client',
  'session-client',
  'alice',
  'bob',
  'levels-client',
  'held-client',
];
const key = (principal: string) => `${principal}-key-0123456789abcdef`;

describe('three replicas, one Redis (store.redis)', () => {
  const prefix = testKeyPrefix('replicas');
  const replicas: Replica[] = [];
  let fleet: Fleet | undefined;
  let proxyUrl: string;
  const gets: GetStreams<Replica> = { lastEventIds: [], events: [], posts: [], resumes: [] };

  beforeAll(async () => {
    await ensureGatewayBuilt();
    fleet = await startFleet({
      name: 'replicas',
      prefix,
      keys: Object.fromEntries(PRINCIPALS.map((id) => [id, key(id)])),
      server: { rate_limit: { enabled: true, requests_per_second: 20, burst: 20 } },
      backends: { fault: stdioBackend(faultStdioCommand()), everything: stdioBackend(everythingStdioCommand()) },
      gets,
    });
    replicas.push(...fleet.replicas);
    proxyUrl = fleet.proxyUrl;
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  const kill = killReplica;

  it('the inbound rate limit of one principal holds across the three replicas together', async () => {
    // 60 requests at once from one principal (API key), spread over three replicas: 20 (one burst) pass, plus what refills.
    const started = Date.now();
    const statuses = await Promise.all(
      Array.from({ length: 60 }, () =>
        fetch(`${proxyUrl}/mcp`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/json, text/event-stream',
            authorization: `Bearer ${key('flood')}`,
          },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
        }).then((res) => res.status),
      ),
    );
    const elapsedS = (Date.now() - started) / 1000;
    const passed = statuses.filter((status) => status !== 429).length;
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThan(0);
    // Per replica alone, each would let a burst of 20 through: 60 in all.
    expect(passed).toBeLessThanOrEqual(20 + Math.ceil(20 * elapsedS) + 1);
    expect(passed).toBeGreaterThanOrEqual(20);
  });

  it('DELETE on one replica ends the session on every replica', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${proxyUrl}/mcp/fault`), {
      requestInit: { headers: { authorization: `Bearer ${key('delete-client')}` } },
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
          authorization: `Bearer ${key('delete-client')}`,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 9, method: 'tools/list' }),
      });
      expect(res.status).toBe(404);
    }
  });

  it("a session is its owner's on every replica: another principal presenting its id gets 404 everywhere", async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${proxyUrl}/mcp/fault`), {
      requestInit: { headers: { authorization: `Bearer ${key('alice')}` } },
    });
    const client = new Client({ name: 'replicas-owner', version: '1.0.0' });
    await client.connect(transport);
    const post = (port: number, principal: string) =>
      fetch(`http://127.0.0.1:${port}/mcp/fault`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          accept: 'application/json, text/event-stream',
          'mcp-session-id': transport.sessionId!,
          'mcp-protocol-version': transport.protocolVersion ?? '2025-06-18',
          authorization: `Bearer ${key(principal)}`,
        },
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
      });
    // Bob first, so no replica has rebuilt the session for alice yet when he asks; then alice everywhere.
    for (const replica of replicas) expect((await post(replica.port, 'bob')).status).toBe(404);
    for (const replica of replicas) expect((await post(replica.port, 'alice')).status).toBe(200);
    for (const replica of replicas) expect((await post(replica.port, 'bob')).status).toBe(404);
    await transport.terminateSession();
    await client.close();
  });

  it('a sampling request raised on one replica is answered through another, and the answer reaches the backend', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${proxyUrl}/mcp/everything`), {
      requestInit: { headers: { authorization: `Bearer ${key('sampling-client')}` } },
    });
    const client = new Client({ name: 'replicas-sampling', version: '1.0.0' }, { capabilities: { sampling: {} } });
    let asked = 0;
    client.setRequestHandler(CreateMessageRequestSchema, async () => {
      asked++;
      return { role: 'assistant', model: 'model-of-carol', content: { type: 'text', text: `answer ${asked}` } };
    });
    await client.connect(transport);
    // The call goes to one replica, the client's answer (a POST of its own) to the next one in the rotation.
    const before = replicas.map((replica) => replica.served);
    for (let n = 1; n <= 3; n++) {
      const result = await client.callTool(
        { name: 'trigger-sampling-request', arguments: { prompt: `question ${n}`, maxTokens: 10 } },
        undefined,
        { timeout: 20_000 },
      );
      expect(JSON.stringify(result)).toContain('model-of-carol');
      expect(JSON.stringify(result)).toContain(`answer ${n}`);
    }
    expect(asked).toBe(3);
    expect(replicas.every((replica, i) => replica.served > before[i])).toBe(true);

    // What a replica needs to rebuild the session is in Redis, the client's logging level and subscription included.
    await client.setLoggingLevel('debug');
    await client.subscribeResource({ uri: 'demo://resource/static/document/architecture.md' });
    const redis = new Redis(redisUrl);
    try {
      const record = await waitFor(
        async () => {
          const json = await redis.get(`${prefix}session:${transport.sessionId}`);
          const changes = await redis.lrange(`${prefix}session:${transport.sessionId}:changes`, 0, -1);
          const parsed = json ? { ...(JSON.parse(json) as { route: string }), changes } : undefined;
          return parsed && changes.length === 2 ? parsed : undefined;
        },
        { timeoutMs: 10_000, description: 'the session record with its two changes' },
      );
      expect(record.route).toBe('everything');
      const methods = record.changes.map((change) => (JSON.parse(change) as { method: string }).method);
      expect(methods).toEqual(['logging/setLevel', 'resources/subscribe']);
      expect(await redis.pttl(`${prefix}session:${transport.sessionId}`)).toBeGreaterThan(0);
    } finally {
      redis.disconnect();
    }
    // Replicas that rebuild it now replay those requests; the session keeps answering everywhere.
    for (let n = 0; n < 3; n++) expect((await client.listTools()).tools.length).toBeGreaterThan(0);
    await transport.terminateSession();
    await client.close();
  });

  it('a logging level set through one replica holds at once on the replicas already holding the session', async () => {
    const auth = { authorization: `Bearer ${key('levels-client')}` };
    const transport = new StreamableHTTPClientTransport(new URL(`${proxyUrl}/mcp/fault`), {
      requestInit: { headers: auth },
    });
    const client = new Client({ name: 'replicas-levels', version: '1.0.0' });
    await client.connect(transport);
    const sessionId = transport.sessionId!;
    let id = 100;
    const post = (replica: Replica, method: string, params: object) =>
      rawRequest(`http://127.0.0.1:${replica.port}/mcp/fault`, {
        headers: sessionHeaders(sessionId, auth),
        body: JSON.stringify({ jsonrpc: '2.0', id: id++, method, params }),
      });
    // Every replica holds the session from here on.
    for (const replica of replicas) expect((await post(replica, 'tools/list', {})).status).toBe(200);
    // On each replica, a call logging two info-level messages: those its client gets come on the call's stream.
    const floodEverywhere = async () => {
      const heard: number[] = [];
      for (const replica of replicas) {
        const answer = await post(replica, 'tools/call', { name: 'flood', arguments: { count: 2 } });
        expect(answer.text).toContain('flooded 2');
        heard.push(answer.text.split('"notifications/message"').length - 1);
      }
      return heard;
    };
    const changes = new Redis(redisUrl);
    try {
      const published: string[] = [];
      changes.on('message', (_channel: string, message: string) => published.push(message));
      await changes.subscribe(`${prefix}session-changed`);
      const setLevel = async (replica: Replica, level: string) => {
        expect((await post(replica, 'logging/setLevel', { level })).status).toBe(200);
        // Published to every replica (this subscriber among them) before the next request.
        await waitFor(() => published.some((m) => m.includes(sessionId) && m.includes(`"level":"${level}"`)), {
          timeoutMs: 10_000,
          description: `the change to ${level} published`,
        });
      };
      await setLevel(replicas[0], 'debug');
      expect(await floodEverywhere()).toEqual([2, 2, 2]);
      // Set through replica 1: replicas 0 and 2, which hold the session already, follow it.
      await setLevel(replicas[1], 'error');
      expect(await floodEverywhere()).toEqual([0, 0, 0]);
      // And back, through replica 2.
      await setLevel(replicas[2], 'info');
      expect(await floodEverywhere()).toEqual([2, 2, 2]);
    } finally {
      changes.disconnect();
    }
    await transport.terminateSession();
    await client.close();
  });

  it('a message raised before any GET stream is open reaches the GET opened later on another replica, once', async () => {
    const auth = { authorization: `Bearer ${key('held-client')}` };
    const url = (replica: Replica) => `http://127.0.0.1:${replica.port}/mcp/fault`;
    const sessionId = await openRawSession(url(replicas[0]), auth);
    const toggle = (replica: Replica, n: number) =>
      rawRequest(url(replica), {
        headers: sessionHeaders(sessionId, auth),
        body: JSON.stringify({
          jsonrpc: '2.0',
          id: n,
          method: 'tools/call',
          params: { name: 'toggle_extra_tool', arguments: {} },
        }),
      });
    // A tool list change raised on replica 0 while the session has no GET stream anywhere: stored for the GET stream.
    expect((await toggle(replicas[0], 1)).status).toBe(200);
    const redis = new Redis(redisUrl);
    try {
      await waitFor(async () => (await redis.xlen(`${prefix}events:${sessionId}:_GET_stream`)) > 0, {
        timeoutMs: 10_000,
        description: 'the message stored for the GET stream',
      });
    } finally {
      redis.disconnect();
    }
    const openGet = async (replica: Replica) => {
      const abort = new AbortController();
      const res = await fetch(url(replica), {
        headers: {
          ...auth,
          accept: 'text/event-stream',
          'mcp-session-id': sessionId,
          'mcp-protocol-version': RAW_PROTOCOL_VERSION,
        },
        signal: abort.signal,
      });
      expect(res.status).toBe(200);
      return { events: sseEvents(res.body!), close: () => abort.abort() };
    };
    // The client's first GET reaches replica 1, which never saw the message raised.
    const first = await openGet(replicas[1]);
    const held = (await first.events.next()).value!;
    expect(held.data).toContain('"notifications/tools/list_changed"');
    expect(held.id).toBeDefined();
    first.close();
    // A later GET (on replica 0, which raised it) does not get it again: the first event there is a new change.
    const second = await openGet(replicas[0]);
    expect((await toggle(replicas[2], 2)).status).toBe(200);
    const next = (await second.events.next()).value!;
    expect(next.data).toContain('"notifications/tools/list_changed"');
    expect(next.id).not.toBe(held.id);
    second.close();
    await rawRequest(url(replicas[0]), { method: 'DELETE', headers: sessionHeaders(sessionId, auth) });
  });

  it('one session survives SIGKILL of two replicas out of three: the call in flight fails with an error naming the replica; same id, calls with progress, GET stream resumed with every notification once', async () => {
    const transport = new StreamableHTTPClientTransport(new URL(`${proxyUrl}/mcp/fault`), {
      requestInit: { headers: { authorization: `Bearer ${key('session-client')}` } },
    });
    const client = new Client({ name: 'replicas-test', version: '1.0.0' });
    let listChanged = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
      listChanged++;
    });
    await client.connect(transport);
    const sessionId = transport.sessionId;
    expect(sessionId).toBeTruthy();
    await waitFor(() => gets.open !== undefined, {
      timeoutMs: 20_000,
      description: 'the client to open its GET stream',
    });
    const toggle = async (times: number) => {
      for (let n = 0; n < times; n++) await client.callTool({ name: 'toggle_extra_tool', arguments: {} });
    };

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
    // Tool list changes raised on whichever replica ran the toggle reach the GET stream on another (pub/sub).
    await toggle(3);
    await waitFor(() => listChanged >= 3, {
      timeoutMs: 20_000,
      description: 'three tools/list_changed on the GET stream',
    });

    // 1. A slow call is in flight (progress arriving) when its replica is SIGKILLed: a surviving replica answers it
    // with an error on the client's resumption of the call's stream (GET with Last-Event-ID), once the dead
    // replica's liveness key has expired; the client does not wait for its own timeout.
    const progress: Progress[] = [];
    const inFlight = client
      .request(
        { method: 'tools/call', params: { name: 'slow', arguments: { ms: 90_000, progress_every_ms: 200 } } },
        CallToolResultSchema,
        { onprogress: (update) => progress.push(update), timeout: 120_000 },
      )
      .then(
        () => new Error('the call on the killed replica succeeded'),
        (error: unknown) => error,
      );
    await waitFor(() => progress.length > 0, { timeoutMs: 20_000, description: 'progress of the slow call' });
    const runner = gets.posts!.findLast((post) => post.body.includes('"ms":90000'))!.replica;
    const resumesBefore = gets.resumes!.length;
    kill(runner);
    const failure = await inFlight;
    expect(failure).toBeInstanceOf(McpError);
    expect((failure as McpError).message).toMatch(
      /replica \S+ handling this request stopped; the call's outcome is unknown/,
    );
    // It came on a GET resuming the call's stream, answered by a replica still alive.
    const resumed = gets.resumes!.slice(resumesBefore);
    expect(resumed.some((resume) => resume.status === 200 && resume.replica !== runner)).toBe(true);
    await call('in-flight replica killed');

    // 2. The replica holding the GET stream dies; changes raised meanwhile are replayed on the stream's reconnection.
    await waitFor(() => gets.open !== undefined && gets.open.alive, {
      timeoutMs: 30_000,
      description: 'the GET stream open on a live replica',
    });
    const holder = gets.open!;
    kill(holder);
    await toggle(2);
    await call('GET stream holder killed');
    await waitFor(() => gets.open !== undefined && gets.open !== holder, {
      timeoutMs: 30_000,
      description: 'the GET stream to reconnect to the last replica',
    });
    expect(gets.lastEventIds.at(-1)).toBeDefined();
    await waitFor(() => listChanged >= 5, { timeoutMs: 20_000, description: 'the two missed tools/list_changed' });
    await call('two replicas killed');
    await toggle(1);
    await waitFor(() => listChanged >= 6, { timeoutMs: 20_000, description: 'a sixth tools/list_changed' });
    // This session's tools/list_changed events as the GET streams carried them (the proxy sees every session's).
    const carried = () =>
      gets.events
        .filter((event) => event.sessionId === sessionId && event.data.includes('"notifications/tools/list_changed"'))
        .map((event) => event.id);
    await waitFor(() => listChanged === carried().length, {
      timeoutMs: 10_000,
      description: 'the client to have handled every event the GET streams carried',
    });
    // Every notification once: none replayed twice, none lost.
    // Every notification once: none lost (six toggles; a replica may add one of its own when its backend starts),
    // and no event twice on the GET streams, the replay included.
    expect(listChanged).toBeGreaterThanOrEqual(6);
    expect(listChanged).toBe(carried().length);
    expect(new Set(carried()).size).toBe(carried().length);
    await client.close();
  });
});
