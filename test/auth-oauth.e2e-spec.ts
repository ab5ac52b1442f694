// Issue 13: the gateway as an OAuth resource server, against a real OpenID provider (oidc-provider on 127.0.0.1)
// issuing client-credentials JWT access tokens for the gateway's resource. Covers the SDK's own OAuth client end to
// end, every credential case of the issue, key rotation, a JWKS endpoint that is down, and the per-principal rate limit.
import { createServer, type Server as HttpServer } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ClientCredentialsProvider } from '@modelcontextprotocol/sdk/client/auth-extensions.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { importJWK, SignJWT, base64url } from 'jose';
import { faultStdioCommand } from './helpers/fault.js';
import { closeAndReap, initializeMessage, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { startTestIdp, type IdpClient, type TestIdp } from './helpers/oidc-provider.js';
import { freePort, waitFor } from './helpers/processes.js';

jest.setTimeout(60_000);

const ANALYST: IdpClient = { id: 'analyst-app', secret: 'analyst-secret-0123456789', roles: ['analyst'] };
const ADMIN: IdpClient = { id: 'admin-app', secret: 'admin-secret-0123456789', roles: ['admin'] };

let idp: TestIdp;
let gateway: TestGateway;
let headerEcho: HttpServer;
let audience: string;
const started: TestGateway[] = [];

function authConfig(extra: Record<string, unknown> = {}) {
  return {
    oauth: { issuer: idp.issuer, audience, required_scopes: ['mcp'], ...extra },
    roles: { analyst: { allow: ['fa/echo'] }, admin: { allow: ['*'] } },
  };
}

async function gatewayAt(port: number, tree: Record<string, unknown>): Promise<TestGateway> {
  const running = await startTestGateway({ ...tree, server: { ...(tree.server ?? {}), port } });
  started.push(running);
  return running;
}

/** A raw initialize POST with `authorization`: the status, the challenge and the error the gateway answered. */
async function initializeWith(target: TestGateway, authorization?: string) {
  const response = await fetch(`${target.baseUrl}/mcp`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(authorization ? { authorization } : {}),
    },
    body: JSON.stringify(initializeMessage()),
  });
  const text = await response.text();
  const challenge = response.headers.get('www-authenticate') ?? '';
  return { status: response.status, error: /error="([^"]+)"/.exec(challenge)?.[1], challenge, text };
}

/** A token the provider would never issue, signed with its real key (or with `alg` none / HS256). */
async function forge(claims: Record<string, unknown>, alg = 'ES256'): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    iss: idp.issuer,
    aud: audience,
    sub: ANALYST.id,
    scope: 'mcp',
    roles: ['admin'],
    iat: now,
    exp: now + 300,
    ...claims,
  };
  if (alg === 'none') {
    const part = (value: object) => base64url.encode(JSON.stringify(value));
    return `${part({ alg: 'none', typ: 'at+jwt' })}.${part(payload)}.`;
  }
  const key =
    alg === 'HS256' ? new TextEncoder().encode(JSON.stringify(idp.signingKey.x)) : await importJWK(idp.signingKey, alg);
  return new SignJWT(payload).setProtectedHeader({ alg, kid: idp.signingKey.kid, typ: 'at+jwt' }).sign(key);
}

/** A stateless MCP server whose one tool answers with the HTTP headers its request arrived with. */
async function startHeaderEcho(): Promise<string> {
  headerEcho = createServer((req, res) => {
    const server = new McpServer({ name: 'header-echo', version: '1.0.0' });
    server.registerTool('request_headers', { description: 'The headers of this request' }, (extra) => ({
      content: [{ type: 'text', text: JSON.stringify(extra.requestInfo?.headers ?? {}) }],
    }));
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    res.on('close', () => void transport.close());
    void server.connect(transport).then(() => transport.handleRequest(req, res));
  });
  await new Promise<void>((resolve) => headerEcho.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(headerEcho.address() as { port: number }).port}/mcp`;
}

beforeAll(async () => {
  idp = await startTestIdp([ANALYST, ADMIN]);
  const headerEchoUrl = await startHeaderEcho();
  const port = await freePort();
  audience = `http://127.0.0.1:${port}/mcp`;
  gateway = await gatewayAt(port, {
    auth: authConfig(),
    backends: {
      fa: stdioBackend(faultStdioCommand(), { env: { FAULT_NAME: 'fa' } }),
      hdr: { http_url: headerEchoUrl, transport: 'streamable_http', headers: { 'X-Backend-Token': 'backend-own' } },
    },
  });
});

afterAll(async () => {
  const survivors = (await Promise.all(started.map((running) => closeAndReap(running)))).flat();
  await idp?.close();
  await new Promise((resolve) => headerEcho?.close(resolve));
  expect(survivors).toEqual([]);
});

describe('an MCP client with the SDK OAuth support (client credentials)', () => {
  it('gets the 401, reads the protected-resource metadata, obtains a token, and lists and calls tools', async () => {
    const provider = new ClientCredentialsProvider({
      clientId: ANALYST.id,
      clientSecret: ANALYST.secret,
      scope: 'mcp',
      expectedIssuer: idp.issuer,
    });
    const client = new Client({ name: 'oauth-e2e', version: '1.0.0' }, { capabilities: {} });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${gateway.baseUrl}/mcp`), { authProvider: provider }),
    );
    try {
      expect(provider.tokens()?.access_token).toMatch(/^ey/);
      expect((await client.listTools()).tools.map((tool) => tool.name)).toContain('gateway_invoke');
      const listed = (await client.callTool({
        name: 'gateway_list_tools',
        arguments: { server: 'fa' },
      })) as CallToolResult;
      expect((listed.structuredContent?.tools as Array<{ name: string }>).map((tool) => tool.name)).toEqual(['echo']);
      const called = await client.callTool({
        name: 'gateway_invoke',
        arguments: { server: 'fa', tool: 'echo', arguments: { message: 'via oauth' } },
      });
      expect(firstText(called)).toBe('via oauth');
      const denied = await client.callTool({
        name: 'gateway_invoke',
        arguments: { server: 'fa', tool: 'add', arguments: { a: 1, b: 2 } },
      });
      expect(firstText(denied)).toBe('fa/add is not permitted for this client');
    } finally {
      await client.close();
    }
  });

  it("never forwards the client's token to a backend, which gets its own configured headers", async () => {
    const token = await idp.token(ADMIN, audience);
    const client = new Client({ name: 'oauth-e2e', version: '1.0.0' }, { capabilities: {} });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${gateway.baseUrl}/mcp/hdr`), {
        requestInit: { headers: { authorization: `Bearer ${token}` } },
      }),
    );
    try {
      const seen = JSON.parse(firstText(await client.callTool({ name: 'request_headers', arguments: {} }))) as Record<
        string,
        string
      >;
      expect(seen['x-backend-token']).toBe('backend-own');
      expect(seen.authorization).toBeUndefined();
      expect(JSON.stringify(seen)).not.toContain(token.split('.')[2]);
    } finally {
      await client.close();
    }
  });

  it('serves RFC 9728 metadata for /mcp and /mcp/{backend}, naming the audience and the issuer', async () => {
    const expected = {
      resource: audience,
      authorization_servers: [idp.issuer],
      scopes_supported: ['mcp'],
      bearer_methods_supported: ['header'],
      resource_name: 'mcp-gateway',
    };
    for (const path of ['', '/mcp', '/mcp/fa']) {
      const { status, body } = await gateway.get(`/.well-known/oauth-protected-resource${path}`);
      expect([path, status, body]).toEqual([path, 200, expected]);
    }
    const refused = await initializeWith(gateway);
    expect(refused.challenge).toBe(
      `Bearer resource_metadata="${gateway.baseUrl}/.well-known/oauth-protected-resource/mcp", scope="mcp"`,
    );
  });
});

describe('each credential case', () => {
  it('answers as the issue requires', async () => {
    const valid = await idp.token(ANALYST, audience);
    const [header, payload, signature] = valid.split('.');
    const elevated = base64url.encode(
      JSON.stringify({ ...JSON.parse(new TextDecoder().decode(base64url.decode(payload))), roles: ['admin'] }),
    );
    const now = Math.floor(Date.now() / 1000);
    const cases: Array<[string, string | undefined]> = [
      ['valid token', `Bearer ${valid}`],
      ['no credentials', undefined],
      ['expired', `Bearer ${await forge({ iat: now - 900, exp: now - 120 })}`],
      ['not yet valid', `Bearer ${await forge({ nbf: now + 600 })}`],
      ['wrong audience', `Bearer ${await idp.token(ANALYST, 'http://127.0.0.1:1/other')}`],
      ['wrong issuer', `Bearer ${await forge({ iss: 'http://127.0.0.1:1' })}`],
      ['tampered signature', `Bearer ${header}.${elevated}.${signature}`],
      ['alg none', `Bearer ${await forge({}, 'none')}`],
      ['HS256 with the public key as secret', `Bearer ${await forge({}, 'HS256')}`],
      ['missing scope', `Bearer ${await idp.token(ANALYST, audience, '')}`],
      ['malformed header', `Token ${valid}`],
      ['oversized header', `Bearer ${'a'.repeat(9000)}`],
    ];
    const seen: Array<[string, number, string | undefined]> = [];
    for (const [name, authorization] of cases) {
      const { status, error } = await initializeWith(gateway, authorization);
      seen.push([name, status, error]);
    }
    expect(seen).toEqual([
      ['valid token', 200, undefined],
      ['no credentials', 401, undefined],
      ['expired', 401, 'invalid_token'],
      ['not yet valid', 401, 'invalid_token'],
      ['wrong audience', 401, 'invalid_token'],
      ['wrong issuer', 401, 'invalid_token'],
      ['tampered signature', 401, 'invalid_token'],
      ['alg none', 401, 'invalid_token'],
      ['HS256 with the public key as secret', 401, 'invalid_token'],
      ['missing scope', 403, 'insufficient_scope'],
      ['malformed header', 401, 'invalid_request'],
      ['oversized header', 401, 'invalid_request'],
    ]);
    const metrics = (await gateway.get('/metrics', { authorization: `Bearer ${valid}` })).text;
    for (const reason of [
      'expired',
      'wrong_audience',
      'wrong_issuer',
      'bad_signature',
      'alg_not_allowed',
      'insufficient_scope',
    ]) {
      expect(metrics).toMatch(new RegExp(`mcp_gateway_auth_failures_total\\{reason="${reason}"\\} [1-9]`));
    }
  });

  it('accepts a token signed with a new key (new kid) after the gateway cached the old key set', async () => {
    expect((await initializeWith(gateway, `Bearer ${await idp.token(ADMIN, audience)}`)).status).toBe(200);
    const fetchesBefore = idp.jwksFetches;
    const oldKid = idp.signingKey.kid;
    await idp.rotateKeys();
    const rotated = await idp.token(ADMIN, audience);
    expect(JSON.parse(new TextDecoder().decode(base64url.decode(rotated.split('.')[0]))).kid).not.toBe(oldKid);
    // An unknown kid refetches the key set, at most once per cooldown (a few seconds).
    await waitFor(async () => (await initializeWith(gateway, `Bearer ${rotated}`)).status === 200, {
      timeoutMs: 15_000,
      intervalMs: 500,
      description: 'the rotated key is accepted',
    });
    expect(idp.jwksFetches).toBeGreaterThan(fetchesBefore);
  });

  it('with the JWKS endpoint down: 503 on a cold cache, while cached keys keep working', async () => {
    const cold = await gatewayAt(await freePort(), { auth: authConfig({ jwks_uri: `${idp.issuer}/jwks` }) });
    idp.setJwksDown(true);
    try {
      const token = await idp.token(ANALYST, audience);
      const refused = await initializeWith(cold, `Bearer ${token}`);
      expect([refused.status, JSON.parse(refused.text).error]).toEqual([503, 'temporarily_unavailable']);
      // A token the warm gateway has never seen (so not in its token cache), signed with a key it has cached.
      const fresh = await idp.token(ANALYST, audience);
      expect((await initializeWith(gateway, `Bearer ${fresh}`)).status).toBe(200);
    } finally {
      idp.setJwksDown(false);
    }
    expect((await initializeWith(cold, `Bearer ${await idp.token(ANALYST, audience)}`)).status).toBe(200);
  });
});

describe('the inbound rate limit with OAuth', () => {
  it('holds per principal even when every request carries a new token, and random bearer strings are refused unread', async () => {
    const limited = await gatewayAt(await freePort(), {
      server: { rate_limit: { enabled: true, requests_per_second: 0.5, burst: 3 } },
      auth: authConfig(),
    });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await initializeWith(limited, `Bearer ${await idp.token(ANALYST, audience)}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    expect((await initializeWith(limited, `Bearer ${await idp.token(ADMIN, audience)}`)).status).toBe(200);
    for (let i = 0; i < 5; i++) {
      const random = `${base64url.encode(crypto.getRandomValues(new Uint8Array(12)))}.e30.${i}`;
      expect((await initializeWith(limited, `Bearer ${random}`)).status).toBe(401);
    }
  });
});
