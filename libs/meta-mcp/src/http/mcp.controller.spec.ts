import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import type { ServerResponse } from 'node:http';
import { Test } from '@nestjs/testing';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { CallGates, PRINCIPAL, type Principal } from '@gateway/auth';
import { BackendRegistry, BackendUnavailableError } from '@gateway/backends';
import { GatewayConfig, loadGatewayConfigFromObject } from '@gateway/config';
import { ModernMcpService } from '../modern/modern-mcp.service.js';
import { DirectServerFactory } from '../servers/direct-server.factory.js';
import { GatewayServerFactory } from '../servers/gateway-server.factory.js';
import { SessionLimitError, SessionRegistry } from '../sessions/session-registry.service.js';
import { JsonRpcCode } from './json-rpc-reply.js';
import { McpController } from './mcp.controller.js';
import { McpRequestValidator } from './mcp-request.validator.js';

const HEADERS = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'spec', version: '1' } },
};
const PING = { jsonrpc: '2.0', id: 2, method: 'ping' };

/** A session whose transport answers with what it was handed, so the spec sees what the controller passed on. */
const session = (route: string) => ({
  route,
  transport: {
    handleRequest: (_req: unknown, res: ServerResponse, body: unknown) =>
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ route, body })),
  },
});

/** The session registry's seam: what opening a session does next (a session, or an error). */
let opening: (route: string) => Promise<unknown>;
const opened: Array<{ route: string; principal?: string }> = [];
const refusals: string[] = [];

const sessions = {
  get: (id: string) => (id === 'known' ? session('/mcp') : undefined),
  restore: () => Promise.resolve(undefined),
  open: (route: string, _newServer: unknown, principal?: Principal) => {
    opened.push({ route, principal: principal?.id });
    return opening(route);
  },
};
const registry = {
  find: (name: string) => (['mem', 'secret'].includes(name) ? { name } : undefined),
  names: () => ['mem', 'secret'],
};
const gates = {
  // A principal named `limited` may not use `secret`; everyone else may use everything.
  accessFor: (principal?: Principal) => ({
    mayUse: (name: string) => principal?.id !== 'limited' || name !== 'secret',
  }),
  refusedBackend: (principal: Principal, name: string) => refusals.push(`${principal.id}:${name}`),
};

/** The stateless 2026-07-28 surface: answers with what the controller handed it. */
const served: Array<{ kind: string; route: string; backend?: string }> = [];
const modern = {
  serve: (
    classified: { kind: string },
    request: { route: string; backend?: { name: string } },
    res: ServerResponse,
  ): Promise<void> => {
    served.push({ kind: classified.kind, route: request.route, backend: request.backend?.name });
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ modern: classified.kind }));
    return Promise.resolve();
  },
};
const MODERN_LIST = {
  jsonrpc: '2.0',
  id: 3,
  method: 'tools/list',
  params: {
    _meta: {
      'io.modelcontextprotocol/protocolVersion': '2026-07-28',
      'io.modelcontextprotocol/clientInfo': { name: 'spec', version: '1' },
      'io.modelcontextprotocol/clientCapabilities': {},
    },
  },
};
const MODERN_HEADERS = { 'mcp-protocol-version': '2026-07-28', 'mcp-method': 'tools/list' };

describe('McpController (TestingModule, Fastify, fake sessions and backends)', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const module = await Test.createTestingModule({
      controllers: [McpController],
      providers: [
        McpRequestValidator,
        { provide: GatewayConfig, useValue: loadGatewayConfigFromObject({}) },
        { provide: SessionRegistry, useValue: sessions },
        { provide: BackendRegistry, useValue: registry },
        { provide: CallGates, useValue: gates },
        { provide: GatewayServerFactory, useValue: { create: () => ({}) } },
        { provide: DirectServerFactory, useValue: { create: () => Promise.resolve({}) } },
        { provide: ModernMcpService, useValue: modern },
      ],
    }).compile();
    app = module.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false });
    // Stands in for the auth guard: the principal named by a test header.
    app
      .getHttpAdapter()
      .getInstance()
      .addHook('onRequest', (req, _reply, done) => {
        const id = req.headers['x-principal'];
        if (typeof id === 'string') {
          (req as unknown as Record<symbol, Principal>)[PRINCIPAL] = { id, kind: 'api_key', roles: [], scopes: [] };
        }
        done();
      });
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
  });

  beforeEach(() => {
    opening = (route) => Promise.resolve(session(route));
    opened.length = 0;
    refusals.length = 0;
    served.length = 0;
  });

  const send = async (url: string, body: unknown, headers: Record<string, string> = {}, method = 'POST') => {
    const response = await app.inject({
      method: method as 'POST',
      url,
      headers: { ...HEADERS, ...headers },
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { status: response.statusCode, headers: response.headers, body: response.json<Record<string, unknown>>() };
  };

  it('opens a session on initialize, on the route it came to, for the principal', async () => {
    expect(await send('/mcp', INITIALIZE, { 'x-principal': 'ann' })).toMatchObject({
      status: 200,
      body: { route: '/mcp', body: INITIALIZE },
    });
    expect(await send('/mcp/mem', INITIALIZE)).toMatchObject({ body: { route: 'mem' } });
    expect(opened).toEqual([{ route: '/mcp', principal: 'ann' }, { route: 'mem' }]);
  });

  it('hands a request with a known session id to that session, and 404s an unknown one', async () => {
    expect(await send('/mcp', PING, { 'mcp-session-id': 'known' })).toMatchObject({ body: { body: PING } });
    expect(await send('/mcp', PING, { 'mcp-session-id': 'gone' })).toMatchObject({
      status: 404,
      body: { error: { code: JsonRpcCode.SessionNotFound } },
    });
    // A session of /mcp is not one of /mcp/mem.
    expect((await send('/mcp/mem', PING, { 'mcp-session-id': 'known' })).status).toBe(404);
    expect(opened).toEqual([]);
  });

  it('serves a POST without a session whose body carries the 2026-07-28 envelope statelessly, on its route', async () => {
    expect(await send('/mcp/mem', MODERN_LIST, MODERN_HEADERS)).toMatchObject({
      status: 200,
      body: { modern: 'modern-request' },
    });
    expect(await send('/mcp', MODERN_LIST, MODERN_HEADERS)).toMatchObject({ body: { modern: 'modern-request' } });
    expect(served).toEqual([
      { kind: 'modern-request', route: 'mem', backend: 'mem' },
      { kind: 'modern-request', route: '/mcp', backend: undefined },
    ]);
    // initialize and session requests stay on the legacy path.
    await send('/mcp', INITIALIZE);
    await send('/mcp', PING, { 'mcp-session-id': 'known' });
    expect(served).toHaveLength(2);
    expect(opened).toEqual([{ route: '/mcp', principal: undefined }]);
  });

  it('asks for initialize first when a request has no session', async () => {
    expect(await send('/mcp', PING)).toMatchObject({
      status: 400,
      body: {
        id: null,
        error: {
          code: JsonRpcCode.InvalidRequest,
          message: 'Bad Request: send initialize first, then the Mcp-Session-Id header it returns',
        },
      },
    });
  });

  it('refuses what the validator refuses before any session is touched (Accept without SSE)', async () => {
    const response = await send('/mcp', INITIALIZE, { accept: 'application/json' });
    expect(response).toMatchObject({ status: 406, body: { error: { code: JsonRpcCode.TransportRefused } } });
    expect(opened).toEqual([]);
  });

  it('answers 405 with Allow for other HTTP methods', async () => {
    const response = await send('/mcp', undefined, { 'content-type': 'text/plain' }, 'PUT');
    expect(response).toMatchObject({ status: 405, body: { error: { message: 'Method PUT not allowed' } } });
    expect(response.headers.allow).toBe('GET, POST, DELETE');
  });

  it('names only the backends the caller may use when one is unknown, and refuses a forbidden one with 403', async () => {
    expect(await send('/mcp/nope', INITIALIZE, { 'x-principal': 'limited' })).toMatchObject({
      status: 404,
      body: { error: { message: 'Unknown or disabled backend "nope". Known: mem' } },
    });
    expect(await send('/mcp/secret', INITIALIZE, { 'x-principal': 'limited' })).toMatchObject({
      status: 403,
      body: { error: { message: 'Backend "secret" is not permitted for this client' } },
    });
    expect(refusals).toEqual(['limited:secret']);
    expect(opened).toEqual([]);
  });

  it('answers a path below /mcp/{backend} with a JSON-RPC 404', async () => {
    expect(await send('/mcp/mem/extra', PING)).toMatchObject({
      status: 404,
      body: {
        error: { message: 'Not Found: no MCP endpoint at /mcp/mem/extra; MCP is served at /mcp and /mcp/{backend}' },
      },
    });
  });

  it('answers 503 when the session limit is reached (with Retry-After) or the backend is unavailable', async () => {
    opening = () => Promise.reject(new SessionLimitError(3, 61_000));
    const limited = await send('/mcp', INITIALIZE);
    expect(limited).toMatchObject({ status: 503, body: { id: 1, error: { code: JsonRpcCode.TransportRefused } } });
    expect(limited.headers['retry-after']).toBe('61');

    opening = () => Promise.reject(new BackendUnavailableError('mem', 'it is starting'));
    expect(await send('/mcp/mem', INITIALIZE)).toMatchObject({
      status: 503,
      body: {
        id: 1,
        error: { code: JsonRpcCode.InternalError, message: 'backend "mem" is unavailable: it is starting' },
      },
    });
  });
});
