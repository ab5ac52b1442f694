// Issue 13: API keys (plain and SHA-256) and role policies on every surface: /mcp's meta-tools, /mcp/{backend},
// prompts and resources, sessions bound to their principal, a role's rate limit, and the audit log. The backends are
// the fault server (which logs every tools/call it receives) and server-everything (prompts and resources).
import { createHash } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { everythingStdioCommand } from './helpers/everything-server.js';
import { faultStdioCommand, readCallLog } from './helpers/fault.js';
import {
  closeAndReap,
  httpTransportOf,
  initializeMessage,
  postJsonRpc,
  startTestGateway,
  type TestGateway,
} from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { sessionTag } from '@gateway/config';
import { childPids } from './helpers/proc-tree.js';
import { waitFor } from './helpers/processes.js';

jest.setTimeout(60_000);

const KEYS = {
  alice: 'alice-key-0123456789abcdef',
  bob: 'bob-key-0123456789abcdef',
  carol: 'carol-key-0123456789abc',
  dave: 'dave-key-0123456789abcdef',
  erin: 'erin-key-0123456789abcdef',
};
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

let dir: string;
let callLog: string;
let auditFile: string;
let gateway: TestGateway;
const clients: Client[] = [];

/** An SDK client on `path` that sends `key` as its bearer credential. */
async function connectAs(key: string, path = '/mcp'): Promise<Client> {
  const client = new Client({ name: 'auth-e2e', version: '1.0.0' }, { capabilities: {} });
  const transport = new StreamableHTTPClientTransport(new URL(`${gateway.baseUrl}${path}`), {
    requestInit: { headers: bearer(key) },
  });
  await client.connect(transport);
  clients.push(client);
  return client;
}

async function callMeta(client: Client, name: string, args: Record<string, unknown>) {
  const result = (await client.callTool({ name, arguments: args })) as CallToolResult;
  return { result, data: result.structuredContent, text: firstText(result) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'auth-policy-e2e-'));
  callLog = join(dir, 'fa.log');
  auditFile = join(dir, 'audit.log');
  gateway = await startTestGateway(
    {
      auth: {
        api_keys: [
          { id: 'alice', key: KEYS.alice, roles: ['admin'] },
          { id: 'bob', key_sha256: sha256(KEYS.bob), roles: ['reader'] },
          { id: 'carol', key: KEYS.carol, roles: ['limited'] },
          { id: 'dave', key: KEYS.dave, roles: ['echo_only'] },
          { id: 'erin', key: KEYS.erin, roles: ['single'] },
        ],
        roles: {
          admin: { allow: ['*'] },
          reader: {
            allow: [
              'fa/echo',
              'fa/add',
              'everything/prompt:simple-prompt',
              'everything/resource:demo://resource/static/*',
              'solo/echo',
            ],
            deny: ['*/write_*', 'fa/add'],
          },
          limited: { allow: ['fa/echo'], requests_per_second: 2 },
          echo_only: { allow: ['fa/echo'] },
          single: { allow: ['fa/*'], max_concurrency: 1 },
        },
      },
      audit: { enabled: true, destination: auditFile },
      backends: {
        fa: stdioBackend(faultStdioCommand(), { env: { FAULT_NAME: 'fa', FAULT_CALL_LOG: callLog } }),
        everything: stdioBackend(everythingStdioCommand()),
        // A connection of its own per client, which with auth on means per principal.
        solo: stdioBackend(faultStdioCommand(), { session_mode: 'per_client', env: { FAULT_NAME: 'solo' } }),
      },
    },
    { ready: ['fa', 'everything', 'solo'], headers: bearer(KEYS.alice) },
  );
});

afterAll(async () => {
  await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
  const survivors = gateway ? await closeAndReap(gateway) : [];
  rmSync(dir, { recursive: true, force: true });
  expect(survivors).toEqual([]);
});

describe('authentication with API keys', () => {
  it('answers /mcp without credentials with 401 and a Bearer challenge; probes stay public', async () => {
    const reply = await fetch(`${gateway.baseUrl}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify(initializeMessage()),
    });
    expect(reply.status).toBe(401);
    expect(reply.headers.get('www-authenticate')).toBe('Bearer realm="mcp-gateway"');
    expect((await gateway.get('/health/live')).status).toBe(200);
    expect((await gateway.get('/health/ready')).status).toBe(200);
    expect((await gateway.get('/health')).status).toBe(401);
    expect((await gateway.get('/metrics')).status).toBe(401);
    expect((await gateway.get('/health', bearer(KEYS.bob))).status).toBe(200);
  });

  it('accepts a plain key and a key configured only as its SHA-256; refuses unknown, malformed and oversized ones', async () => {
    const url = `${gateway.baseUrl}/mcp`;
    expect((await postJsonRpc(url, initializeMessage(), bearer(KEYS.alice))).status).toBe(200);
    expect((await postJsonRpc(url, initializeMessage(), bearer(KEYS.bob))).status).toBe(200);
    const refused = [
      bearer('not-a-key-0123456789'),
      bearer(`${KEYS.alice}x`),
      { authorization: `Basic ${Buffer.from('alice:x').toString('base64')}` },
      { authorization: 'Bearer' },
      { authorization: `Bearer ${KEYS.alice} extra` },
      bearer('x'.repeat(9 * 1024)),
    ];
    for (const headers of refused) {
      const reply = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: '{}',
      });
      expect(reply.status).toBe(401);
      expect(reply.headers.get('www-authenticate')).toMatch(
        /^Bearer realm="mcp-gateway", error="(invalid_request|invalid_token)"/,
      );
    }
    const metrics = (await gateway.get('/metrics', bearer(KEYS.alice))).text;
    expect(metrics).toMatch(/mcp_gateway_auth_failures_total\{reason="unknown_key"\} [2-9]/);
    expect(metrics).toMatch(/mcp_gateway_auth_failures_total\{reason="oversized"\} 1/);
    expect(metrics).toMatch(/mcp_gateway_auth_failures_total\{reason="malformed"\} 3/);
    expect(metrics).toMatch(/mcp_gateway_auth_failures_total\{reason="missing"\} [1-9]/);
  });
  it('answers a bad Authorization header on /mcp before reading the body', async () => {
    // Headers and the first bytes of a body announced as 1 MB: the 401 must come without the rest.
    for (const authorization of [undefined, 'Bearer', `Bearer ${'x'.repeat(9 * 1024)}`]) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(`${gateway.baseUrl}/mcp`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'content-length': String(1024 * 1024),
            ...(authorization ? { authorization } : {}),
          },
        });
        req.on('response', (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
          req.destroy();
        });
        req.on('error', reject);
        req.write('{"jsonrpc":"2.0",');
      });
      expect(status).toBe(401);
    }
  });
});

describe('two principals on /mcp (meta-tools)', () => {
  it('gateway_list_servers and gateway_list_tools show each only what its roles allow', async () => {
    const [alice, bob] = await Promise.all([connectAs(KEYS.alice), connectAs(KEYS.bob)]);
    const servers = async (client: Client) =>
      (
        (await callMeta(client, 'gateway_list_servers', {})).data!.servers as Array<{
          name: string;
          tools_count: number;
        }>
      ).map(({ name, tools_count }) => [name, tools_count]);
    const aliceServers = await servers(alice);
    expect(aliceServers.map(([name]) => name).sort()).toEqual(['everything', 'fa', 'solo']);
    // bob may use a prompt and resources of everything, so it is listed, with none of its tools.
    expect(await servers(bob)).toEqual([
      ['fa', 1],
      ['everything', 0],
      ['solo', 1],
    ]);
    expect(await servers(await connectAs(KEYS.dave))).toEqual([['fa', 1]]);
    const tools = async (client: Client, server: string) => {
      const { data, text } = await callMeta(client, 'gateway_list_tools', { server });
      return data ? (data.tools as Array<{ name: string }>).map((tool) => tool.name) : text;
    };
    expect((await tools(alice, 'fa')).length).toBeGreaterThan(10);
    expect(await tools(bob, 'fa')).toEqual(['echo']);
    expect(await tools(bob, 'everything')).toEqual([]);
    // A server with nothing allowed does not exist for dave, and the answer names only what he may see.
    expect(await tools(await connectAs(KEYS.dave), 'everything')).toBe(
      'Unknown server "everything". Known servers: fa.',
    );
  });

  it('search results and totals count only tools the caller may see', async () => {
    const [alice, bob] = await Promise.all([connectAs(KEYS.alice), connectAs(KEYS.bob)]);
    const search = async (client: Client, query: string) => {
      const { data } = await callMeta(client, 'gateway_search_tools', { query, limit: 50 });
      return {
        total: data!.total as number,
        tools: (data!.matches as Array<{ server: string; tool: string }>).map((m) => `${m.server}/${m.tool}`),
      };
    };
    const everything = await search(alice, 'echo add write crash message sum');
    expect(everything.tools).toEqual(expect.arrayContaining(['fa/echo', 'fa/add', 'fa/write_once', 'everything/echo']));
    expect(everything.total).toBe(everything.tools.length);
    const bobs = await search(bob, 'echo add write crash message sum');
    expect([bobs.total, [...bobs.tools].sort()]).toEqual([2, ['fa/echo', 'solo/echo']]);
    expect(await search(bob, 'write once')).toEqual({ total: 0, tools: [] });
  });

  it('gateway_invoke of a hidden tool says it is not permitted, suggests nothing, and never reaches the backend', async () => {
    const bob = await connectAs(KEYS.bob);
    const before = readCallLog(callLog).length;
    for (const tool of ['write_once', 'add', 'no_such_tool']) {
      const { result, text } = await callMeta(bob, 'gateway_invoke', {
        server: 'fa',
        tool,
        arguments: { key: 'k', a: 1, b: 2 },
      });
      expect(result.isError).toBe(true);
      expect(text).toBe(`fa/${tool} is not permitted for this client`);
    }
    const hidden = await callMeta(bob, 'gateway_invoke', {
      server: 'everything',
      tool: 'echo',
      arguments: { message: 'x' },
    });
    expect(hidden.text).toBe('everything/echo is not permitted for this client');
    expect(readCallLog(callLog).slice(before)).toEqual([]);
    const allowed = await callMeta(bob, 'gateway_invoke', {
      server: 'fa',
      tool: 'echo',
      arguments: { message: 'hi bob' },
    });
    expect(allowed.text).toBe('hi bob');
    expect(readCallLog(callLog).slice(before)).toEqual(['echo']);
    const metrics = (await gateway.get('/metrics', bearer(KEYS.alice))).text;
    expect(metrics).toMatch(/mcp_gateway_access_denied_total\{role="reader"\} [3-9]/);
  });

  it('prompts and resources on /mcp are filtered, and a hidden prompt cannot be fetched', async () => {
    const [alice, bob] = await Promise.all([connectAs(KEYS.alice), connectAs(KEYS.bob)]);
    const prompts = async (client: Client) => (await client.listPrompts()).prompts.map((prompt) => prompt.name);
    expect((await prompts(alice)).length).toBeGreaterThan(1);
    const bobPrompts = await prompts(bob);
    expect(bobPrompts).toHaveLength(1);
    expect(bobPrompts[0]).toMatch(/simple-prompt$/);
    const hidden = (await prompts(alice)).find((name) => name.endsWith('args-prompt'))!;
    await expect(bob.getPrompt({ name: hidden, arguments: { city: 'x' } })).rejects.toThrow(/not permitted/);
    const resources = (await bob.listResources()).resources.map((resource) => resource.uri);
    expect(resources.length).toBeGreaterThan(0);
    expect(resources.every((uri) => uri.startsWith('demo://resource/static/'))).toBe(true);
    await expect(bob.readResource({ uri: 'demo://resource/dynamic/text/1' })).rejects.toThrow(/not permitted/);
    // Completions name a prompt or a resource: the same rules apply.
    const completable = (await prompts(alice)).find((name) => name.endsWith('completable-prompt'))!;
    const ref = { type: 'ref/prompt' as const, name: completable };
    const argument = { name: 'department', value: 'E' };
    expect((await alice.complete({ ref, argument })).completion.values.length).toBeGreaterThan(0);
    await expect(bob.complete({ ref, argument })).rejects.toThrow(/not permitted/);
  });
});

describe('two principals on /mcp/{backend}', () => {
  it('lists are filtered, a denied call is a JSON-RPC error the backend never sees, and a backend with nothing allowed is 403', async () => {
    const [alice, bob] = await Promise.all([connectAs(KEYS.alice, '/mcp/fa'), connectAs(KEYS.bob, '/mcp/fa')]);
    expect((await alice.listTools()).tools.length).toBeGreaterThan(10);
    expect((await bob.listTools()).tools.map((tool) => tool.name)).toEqual(['echo']);
    const before = readCallLog(callLog).length;
    await expect(bob.callTool({ name: 'write_once', arguments: { key: 'k' } })).rejects.toThrow(
      'MCP error -32602: fa/write_once is not permitted for this client',
    );
    expect(readCallLog(callLog).slice(before)).toEqual([]);
    const reply = await postJsonRpc(`${gateway.baseUrl}/mcp/everything`, initializeMessage(), bearer(KEYS.dave));
    expect(reply.status).toBe(403);
    expect(reply.body?.error?.message).toBe('Backend "everything" is not permitted for this client');
    const audited = readFileSync(auditFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(audited.at(-1)).toMatchObject({
      audit: true,
      principal: 'dave',
      backend: 'everything',
      method: 'initialize',
      outcome: 'denied',
      session: '',
    });
    const aliceEverything = await connectAs(KEYS.alice, '/mcp/everything');
    expect((await aliceEverything.listPrompts()).prompts.length).toBeGreaterThan(1);
  });
});

describe('sessions and limits follow the principal', () => {
  it('a session opened by one principal is 404 for another, and still works for its owner', async () => {
    const alice = await connectAs(KEYS.alice);
    const sessionId = httpTransportOf(alice).sessionId!;
    const list = { jsonrpc: '2.0', id: 7, method: 'tools/list' };
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };
    const asBob = await postJsonRpc(`${gateway.baseUrl}/mcp`, list, { ...headers, ...bearer(KEYS.bob) });
    expect(asBob.status).toBe(404);
    const asDave = await postJsonRpc(`${gateway.baseUrl}/mcp`, list, { ...headers, ...bearer(KEYS.dave) });
    expect(asDave.status).toBe(404);
    expect((await alice.listTools()).tools.length).toBe(4);
  });

  it('keeps one backend connection of its own per principal, not per session', async () => {
    const before = childPids(process.pid).length;
    const sessions = await Promise.all([1, 2, 3].map(() => connectAs(KEYS.alice, '/mcp/solo')));
    for (const [index, session] of sessions.entries()) {
      expect(firstText(await session.callTool({ name: 'echo', arguments: { message: `a${index}` } }))).toBe(
        `a${index}`,
      );
    }
    expect(childPids(process.pid).length - before).toBe(1);
    const bob = await connectAs(KEYS.bob, '/mcp/solo');
    expect(firstText(await bob.callTool({ name: 'echo', arguments: { message: 'b' } }))).toBe('b');
    expect(childPids(process.pid).length - before).toBe(2);
    // The principal's connection outlives one of its sessions.
    await httpTransportOf(sessions[0]).terminateSession();
    expect(firstText(await sessions[1].callTool({ name: 'echo', arguments: { message: 'still' } }))).toBe('still');
    expect(childPids(process.pid).length - before).toBe(2);
  });

  it("a role's max_concurrency refuses a principal's second request while its first is running", async () => {
    const erin = await connectAs(KEYS.erin, '/mcp/fa');
    const headers = {
      ...bearer(KEYS.erin),
      'mcp-session-id': httpTransportOf(erin).sessionId!,
      'mcp-protocol-version': '2025-06-18',
    };
    const slow = erin.callTool({ name: 'slow', arguments: { ms: 1500 } });
    await waitFor(async () => readCallLog(callLog).includes('slow'), {
      timeoutMs: 10_000,
      description: 'slow started',
    });
    const second = await postJsonRpc(
      `${gateway.baseUrl}/mcp/fa`,
      { jsonrpc: '2.0', id: 9, method: 'tools/list' },
      headers,
    );
    expect(second.status).toBe(429);
    expect((await postJsonRpc(`${gateway.baseUrl}/mcp/fa`, initializeMessage(), bearer(KEYS.bob))).status).toBe(200);
    expect(firstText(await slow)).toBe('done after 1500ms');
    const third = await postJsonRpc(
      `${gateway.baseUrl}/mcp/fa`,
      { jsonrpc: '2.0', id: 10, method: 'tools/list' },
      headers,
    );
    expect(third.status).toBe(200);
  });

  it("a role's requests_per_second holds per principal, and other principals are not affected", async () => {
    const url = `${gateway.baseUrl}/health/ready`;
    const carolStatuses: number[] = [];
    // /health/ready is public, so the limit applies on /health (authenticated).
    for (let i = 0; i < 4; i++) carolStatuses.push((await gateway.get('/health', bearer(KEYS.carol))).status);
    expect(carolStatuses.slice(0, 2)).toEqual([200, 200]);
    expect(carolStatuses).toContain(429);
    expect((await gateway.get('/health', bearer(KEYS.bob))).status).toBe(200);
    expect((await fetch(url)).status).toBe(200);
  });
});

describe('audit log', () => {
  it('writes one record per call, prompt get, resource read and denied attempt, without arguments', async () => {
    const start = readFileSync(auditFile, 'utf8').split('\n').filter(Boolean).length;
    const bob = await connectAs(KEYS.bob);
    const session = httpTransportOf(bob).sessionId!;
    await callMeta(bob, 'gateway_invoke', { server: 'fa', tool: 'echo', arguments: { message: 'secret words' } });
    await callMeta(bob, 'gateway_invoke', { server: 'fa', tool: 'write_once', arguments: { key: 'k' } });
    const prompt = (await bob.listPrompts()).prompts[0].name;
    await bob.getPrompt({ name: prompt });
    const [resource] = (await bob.listResources()).resources;
    await bob.readResource({ uri: resource.uri });
    await bob.readResource({ uri: 'demo://resource/dynamic/text/1' }).catch(() => undefined);
    const records = readFileSync(auditFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .slice(start)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const record of records) {
      expect(record.time).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));
      expect(typeof record.duration_ms).toBe('number');
      expect(record.arguments).toBeUndefined();
    }
    // The session by its tag: the id itself would let a reader of the audit log use the session.
    const base = { audit: true, principal: 'bob', roles: ['reader'], session: sessionTag(session), route: '/mcp' };
    expect(readFileSync(auditFile, 'utf8')).not.toContain(session);
    expect(records.map(({ time: _t, duration_ms: _d, request_id: _r, ...rest }) => rest)).toEqual([
      { ...base, backend: 'fa', method: 'tools/call', tool: 'echo', outcome: 'ok' },
      { ...base, backend: 'fa', method: 'tools/call', tool: 'write_once', outcome: 'denied' },
      { ...base, backend: 'everything', method: 'prompts/get', prompt: 'simple-prompt', outcome: 'ok' },
      { ...base, backend: 'everything', method: 'resources/read', uri: resource.uri, outcome: 'ok' },
      {
        ...base,
        backend: 'everything',
        method: 'resources/read',
        uri: 'demo://resource/dynamic/text/1',
        outcome: 'denied',
      },
    ]);
    expect(records.every((record) => typeof record.request_id === 'number')).toBe(true);
    expect(readFileSync(auditFile, 'utf8')).not.toContain('secret words');
  });
});

describe('two principals in aggregated mode (meta_mcp.enabled: false)', () => {
  let aggregated: TestGateway;
  let fbLog: string;

  beforeAll(async () => {
    fbLog = join(dir, 'fb.log');
    const fault = (name: string, log: string) =>
      stdioBackend(faultStdioCommand(), { env: { FAULT_NAME: name, FAULT_CALL_LOG: log } });
    aggregated = await startTestGateway(
      {
        meta_mcp: { enabled: false },
        auth: {
          api_keys: [
            { id: 'alice', key: KEYS.alice, roles: ['admin'] },
            { id: 'bob', key_sha256: sha256(KEYS.bob), roles: ['reader'] },
          ],
          roles: { admin: { allow: ['*'] }, reader: { allow: ['fa/echo', 'fb/*'], deny: ['fb/write_*', 'fb/crash*'] } },
        },
        backends: { fa: fault('fa', join(dir, 'fa-aggregated.log')), fb: fault('fb', fbLog) },
      },
      { ready: ['fa', 'fb'], headers: bearer(KEYS.alice) },
    );
  });

  afterAll(async () => {
    expect(aggregated ? await closeAndReap(aggregated) : []).toEqual([]);
  });

  async function connectTo(key: string): Promise<Client> {
    const client = new Client({ name: 'auth-e2e', version: '1.0.0' }, { capabilities: {} });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${aggregated.baseUrl}/mcp`), {
        requestInit: { headers: bearer(key) },
      }),
    );
    clients.push(client);
    return client;
  }

  it('lists each principal only its tools, and a denied call is a JSON-RPC error the backend never sees', async () => {
    const [alice, bob] = await Promise.all([connectTo(KEYS.alice), connectTo(KEYS.bob)]);
    const names = async (client: Client) => (await client.listTools()).tools.map((tool) => tool.name).sort();
    const all = await names(alice);
    expect(all).toEqual(expect.arrayContaining(['fa__echo', 'fa__write_once', 'fb__echo', 'fb__write_once']));
    const bobs = await names(bob);
    expect(bobs).toContain('fa__echo');
    expect(bobs).toContain('fb__echo');
    expect(bobs.filter((name) => name.startsWith('fa__'))).toEqual(['fa__echo']);
    expect(bobs.filter((name) => /write_|crash/.test(name))).toEqual([]);
    // The list alice was shown stays hers: bob's request came after and saw less, and hers is whole again.
    expect(await names(alice)).toEqual(all);
    const before = readCallLog(fbLog).length;
    await expect(bob.callTool({ name: 'fb__write_once', arguments: { key: 'k' } })).rejects.toThrow(
      'MCP error -32602: fb/write_once is not permitted for this client',
    );
    expect(readCallLog(fbLog).slice(before)).toEqual([]);
    expect(firstText(await bob.callTool({ name: 'fb__echo', arguments: { message: 'agg' } }))).toBe('agg');
    expect(readCallLog(fbLog).slice(before)).toEqual(['echo']);
  });
});
