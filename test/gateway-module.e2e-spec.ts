// GatewayModule as a host Nest app uses it: forRoot with a plain config object (validated like the file), a
// connector of the host's own chosen by `transport:`, call interceptors that change results and refuse calls,
// a replacement SSE event store that is really used, and forRootAsync with injected settings.
import { get as httpGet } from 'node:http';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { Body, Controller, Get, Inject, Injectable, Module, Post, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ConfigModule, ConfigService, registerAs } from '@nestjs/config';
import {
  CallRefusedError,
  ConfigError,
  startGateway,
  GatewayModule,
  InMemoryEventStore,
  type CallInterceptor,
  type GatewayConfig,
  type SessionEventStore,
} from '../apps/gateway/src/index.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { InProcessConnector } from '../examples/custom-transport/in-process.connector.js';
import { connectClient } from './helpers/gateway.js';
import { waitFor } from './helpers/processes.js';
import { firstText, writeGatewayConfig } from './helpers/gateway-config.js';

/** GET with a Host header fetch would not send (it always names the URL's host). */
function rawGet(url: string, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const request = httpGet(url, { headers: { host } }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    request.once('error', reject);
  });
}

jest.setTimeout(30_000);

const EMAIL = /[\w.+-]+@[\w-]+\.[\w.]+/g;
const CARD = /\b(?:\d[ -]?){13,19}\b/g;

/** Redacts e-mail addresses and card numbers from tool results; refuses tools named delete_*. */
const redactor: CallInterceptor = {
  async intercept(call, next) {
    const tool = call.method === 'tools/call' ? String(call.params?.name) : '';
    if (/^delete_/.test(tool)) throw new CallRefusedError(`redactor: ${tool} is refused (destructive tools are off)`);
    const result = await next();
    if (call.method !== 'tools/call' || !Array.isArray(result.content)) return result;
    const content = (result.content as Array<{ type: string; text?: string }>).map((item) =>
      item.type === 'text' ? { ...item, text: item.text!.replace(EMAIL, '[email]').replace(CARD, '[card]') } : item,
    );
    return { ...result, content };
  },
};

/** Upper-cases echo's argument on the way in: an interceptor that changes params. */
const shouter: CallInterceptor = {
  priority: 600,
  intercept(call, next) {
    if (call.method !== 'tools/call' || call.params?.name !== 'echo') return next();
    const args = call.params.arguments as { text: string };
    return next({ ...call, params: { ...call.params, arguments: { text: args.text.toUpperCase() } } });
  },
};

class CountingEventStore implements SessionEventStore {
  sessions = 0;
  constructor(private readonly inner: SessionEventStore) {}
  openSession() {
    this.sessions++;
    const events = this.inner.openSession();
    return {
      ...events,
      store: (streamId: string, json: string | undefined) => events.store(streamId, json),
      after: (id: string) => events.after(id),
      delivered: (id: string) => events.delivered(id),
      close: () => events.close(),
    };
  }
}

@Controller('api')
class HostController {
  @Get('hello')
  hello() {
    return { hello: 'host' };
  }

  @Post('echo')
  echo(@Body() body: unknown) {
    return { body };
  }
}

const config = (server: unknown = 'mem') => ({
  server: { max_sessions: 42 },
  logging: { level: 'silent' },
  backends: { mem: { transport: 'in_process', options: { server } } },
});

/** The backend: an McpServer object in this process, reached through the custom-transport example's connector. */
function memServer(greeting: string, connects: { count: number } = { count: 0 }): () => McpServer {
  return () => {
    connects.count++;
    const server = new McpServer({ name: 'in-process', version: '1.0.0' });
    server.registerTool('whoami', { description: 'Who owns this account' }, () => ({
      content: [{ type: 'text', text: `${greeting}: ann@example.com, card 4111 1111 1111 1111` }],
    }));
    server.registerTool('echo', { description: 'Echoes its text', inputSchema: { text: z.string() } }, ({ text }) => ({
      content: [{ type: 'text', text }],
    }));
    server.registerTool('delete_all', { description: 'Deletes everything' }, () => ({
      content: [{ type: 'text', text: 'deleted' }],
    }));
    return server;
  };
}

async function listen(root: DynamicModule, prefix?: string): Promise<{ app: NestFastifyApplication; url: string }> {
  const app = await NestFactory.create<NestFastifyApplication>(root, new FastifyAdapter(), {
    logger: false,
    abortOnError: false,
  });
  if (prefix) app.setGlobalPrefix(prefix);
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  return { app, url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}` };
}

/** A host route that reads the gateway's config (and the host's own) through @nestjs/config's ConfigService. */
@Controller('api/settings')
class SettingsController {
  constructor(@Inject(ConfigService) private readonly config: ConfigService) {}

  @Get()
  settings() {
    return {
      maxSessions: this.config.get<number>('gateway.server.max_sessions'),
      backends: Object.keys(this.config.get<object>('gateway.backends') ?? {}),
      own: this.config.get<string>('host.greeting') ?? null,
    };
  }
}

function hostModule(gateway: DynamicModule, imports: DynamicModule[] = []): DynamicModule {
  @Module({ imports: [gateway, ...imports], controllers: [HostController, SettingsController] })
  class HostModule {}
  return { module: HostModule };
}

describe('GatewayModule.forRoot with a plain config object, under the global prefix gw', () => {
  const connects = { count: 0 };
  const connector = new InProcessConnector({ mem: memServer('hello', connects) });
  let store: CountingEventStore;
  let app: NestFastifyApplication;
  let url: string;
  let client: Client;

  beforeAll(async () => {
    const inner = new InMemoryEventStore({
      server: { event_store: { max_events_per_stream: 100, max_events: 1000, max_bytes: 1e6 } },
    } as GatewayConfig);
    store = new CountingEventStore(inner);
    ({ app, url } = await listen(
      hostModule(
        GatewayModule.forRoot({
          config: config(),
          connectors: [connector],
          interceptors: [shouter, redactor],
          eventStore: store,
        }),
      ),
      'gw',
    ));
    client = await connectClient(`${url}/gw/mcp/mem`);
  });

  afterAll(async () => {
    await client?.close();
    await app?.close();
  });

  it('serves the host routes beside the gateway', async () => {
    const response = await fetch(`${url}/gw/api/hello`);
    expect(await response.json()).toEqual({ hello: 'host' });
  });

  it("lets the host's modules read the gateway's validated config through ConfigService", async () => {
    const response = await fetch(`${url}/gw/api/settings`);
    expect(await response.json()).toEqual({ maxSessions: 42, backends: ['mem'], own: null });
  });

  it("leaves a host route's JSON to Nest: invalid JSON is Nest's 400, valid JSON reaches the handler", async () => {
    const post = (body: string) =>
      fetch(`${url}/gw/api/echo`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const invalid = await post('{"unterminated');
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ statusCode: 400 });
    const valid = await post('{"a":1}');
    expect(valid.status).toBe(201);
    expect(await valid.json()).toEqual({ body: { a: 1 } });
  });

  it("does not refuse a browser Origin on a host route, but does on the gateway's", async () => {
    const origin = { origin: 'https://evil.example' };
    expect((await fetch(`${url}/gw/api/hello`, { headers: origin })).status).toBe(200);
    const mcp = await fetch(`${url}/gw/mcp/mem`, {
      method: 'POST',
      headers: { ...origin, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{}',
    });
    expect(mcp.status).toBe(403);
  });

  it('answers invalid JSON on the MCP route with a JSON-RPC parse error', async () => {
    const response = await fetch(`${url}/gw/mcp/mem`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: '{"unterminated',
    });
    expect(await response.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 } });
  });

  it('serves the probe under the prefix to any Host', async () => {
    const response = await rawGet(`${url}/gw/health/live`, 'lb.internal.example');
    expect(response).toBe(200);
  });

  it('reaches the backend through the connector its transport names', async () => {
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(['delete_all', 'echo', 'whoami']);
    expect(connects.count).toBeGreaterThan(0);
  });

  it('lets an interceptor change a result: e-mail and card number redacted', async () => {
    const result = await client.callTool({ name: 'whoami', arguments: {} });
    expect(firstText(result)).toBe('hello: [email], card [card]');
  });

  it('lets an interceptor change params', async () => {
    const result = await client.callTool({ name: 'echo', arguments: { text: 'quiet' } });
    expect(firstText(result)).toBe('QUIET');
  });

  it("answers an interceptor's refusal as a tool error naming its reason", async () => {
    const result = await client.callTool({ name: 'delete_all', arguments: {} });
    expect(result.isError).toBe(true);
    expect(firstText(result)).toBe('redactor: delete_all is refused (destructive tools are off)');
  });

  it('runs gateway_invoke on /mcp through the same chain', async () => {
    const meta = await connectClient(`${url}/gw/mcp`);
    try {
      const invoke = (tool: string) => meta.callTool({ name: 'gateway_invoke', arguments: { server: 'mem', tool } });
      expect(firstText(await invoke('whoami'))).toBe('hello: [email], card [card]');
      const refused = await invoke('delete_all');
      expect(refused.isError).toBe(true);
      expect(firstText(refused)).toBe('redactor: delete_all is refused (destructive tools are off)');
    } finally {
      await meta.close();
    }
  });

  it('opens each MCP session in the event store the options name', () => {
    expect(store.sessions).toBe(2);
  });
});

describe('GatewayModule with auth under the global prefix gw: route metadata, not URLs', () => {
  const KEY = 'prefix-key-0123456789abcdef';
  let release!: () => void;
  let entered!: () => void;
  const slowEntered = new Promise<void>((resolve) => (entered = resolve));
  const slowReleased = new Promise<void>((resolve) => (release = resolve));
  let app: NestFastifyApplication;
  let url: string;

  /** The in-process backend plus a tool that stays in flight until the test lets it go. */
  const withSlowTool = () => {
    const server = memServer('hello')();
    server.registerTool('slow', { description: 'Finishes when told' }, async () => {
      entered();
      await slowReleased;
      return { content: [{ type: 'text', text: 'finished' }] };
    });
    return server;
  };

  beforeAll(async () => {
    ({ app, url } = await listen(
      hostModule(
        GatewayModule.forRoot({
          config: { ...config(), auth: { api_keys: [{ id: 'alice', key: KEY }] } },
          connectors: [new InProcessConnector({ mem: withSlowTool })],
        }),
      ),
      'gw',
    ));
  });

  afterAll(async () => {
    release();
    await app?.close().catch(() => undefined);
  });

  it('keeps the probes public under the prefix', async () => {
    expect(await rawGet(`${url}/gw/health/live`, 'lb.internal.example')).toBe(200);
    // Ready once the backend is: public all along (never 401 meanwhile).
    await waitFor(async () => (await fetch(`${url}/gw/health/ready`)).status === 200, {
      description: '/gw/health/ready 200 without credentials',
    });
  });

  it('refuses the MCP routes without credentials before reading the body (the early check matches by route)', async () => {
    for (const path of ['/gw/mcp', '/gw/mcp/mem']) {
      // Invalid JSON: a 401 shows the credential check ran before the JSON-RPC parser (which would answer -32700).
      const response = await fetch(`${url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
        body: '{"unterminated',
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer /);
      expect(await response.json()).toMatchObject({ error: 'unauthorized' });
    }
  });

  it('while draining lets the probes answer (terminus: shutting_down) and refuses MCP requests with 503', async () => {
    const client = new Client({ name: 'prefix-e2e', version: '1.0.0' }, { capabilities: {} });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(`${url}/gw/mcp/mem`), {
        requestInit: { headers: { authorization: `Bearer ${KEY}` } },
      }),
    );
    const call = client.callTool({ name: 'slow', arguments: {} });
    await slowEntered;
    // The in-flight call holds the drain open: the app closes only once it has finished.
    const closing = app.close();
    // Answered by the health controller (terminus: shutting_down), not refused by the drain like other routes.
    const probe = async (path: string) => {
      const response = await fetch(`${url}/gw/health/${path}`);
      return { status: response.status, body: (await response.json()) as { status?: string } };
    };
    await waitFor(async () => (await probe('ready')).body.status === 'shutting_down', {
      description: '/gw/health/ready answering shutting_down',
    });
    expect(await probe('live')).toMatchObject({ status: 503, body: { status: 'shutting_down' } });
    expect(await probe('ready')).toMatchObject({ status: 503, body: { status: 'shutting_down' } });
    const mcp = await fetch(`${url}/gw/mcp/mem`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(mcp.status).toBe(503);
    expect(await mcp.json()).toEqual({ error: 'mcp-gateway is shutting down' });
    release();
    expect(firstText(await call)).toBe('finished');
    await closing;
    await client.close();
  });
});

describe('GatewayModule refuses a bad config when the app starts', () => {
  it('lists every bad key of a plain config object, one line each', async () => {
    const bad = {
      server: { port: 'eighty' },
      logging: { level: 'loud' },
      backends: { mem: { http_url: 'not a url' } },
    };
    const error = await NestFactory.create(GatewayModule.forRoot({ config: bad }), new FastifyAdapter(), {
      logger: false,
      abortOnError: false,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      expect.stringMatching(/^server\.port: /),
      expect.stringMatching(/^logging\.level: /),
      expect.stringMatching(/^backends\.mem\.http_url: /),
    ]);
  });

  it("names the key path of a connector's own option problems", async () => {
    const error = await NestFactory.create(
      GatewayModule.forRoot({ config: config(42), connectors: [new InProcessConnector({ mem: memServer('x') })] }),
      new FastifyAdapter(),
      { logger: false, abortOnError: false },
    ).catch((caught: unknown) => caught);
    expect((error as ConfigError).problems).toEqual(['backends.mem.options.server: must name one of: mem']);
  });

  it('names a transport no connector serves', async () => {
    const error = await NestFactory.create(GatewayModule.forRoot({ config: config() }), new FastifyAdapter(), {
      logger: false,
      abortOnError: false,
    }).catch((caught: unknown) => caught);
    expect((error as ConfigError).problems).toEqual([
      'backends.mem.transport: no connector is registered for in_process',
    ]);
  });
});

describe('GatewayModule.forRootAsync', () => {
  @Injectable()
  class Settings {
    readonly greeting = 'from an injected service';
  }

  @Module({ providers: [Settings], exports: [Settings] })
  class SettingsModule {}

  it('builds its options from injected providers', async () => {
    const gateway = GatewayModule.forRootAsync({
      imports: [SettingsModule],
      inject: [Settings],
      useFactory: (settings: Settings) => ({
        config: config(),
        connectors: [new InProcessConnector({ mem: memServer(settings.greeting) })],
      }),
    });
    // The host's own ConfigModule (global, with a namespace of its own) beside the gateway's `gateway` namespace.
    const own = ConfigModule.forRoot({
      isGlobal: true,
      ignoreEnvFile: true,
      load: [registerAs('host', () => ({ greeting: 'hi' }))],
    });
    const { app, url } = await listen(hostModule(gateway, [await own]));
    try {
      const settings = await fetch(`${url}/api/settings`);
      expect(await settings.json()).toEqual({ maxSessions: 42, backends: ['mem'], own: 'hi' });
      const client = await connectClient(`${url}/mcp/mem`);
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      expect(firstText(result)).toMatch(/^from an injected service: /);
      await client.close();
    } finally {
      await app.close();
    }
  });
});

describe('startGateway with the host modules (the CLI path)', () => {
  @Controller('limits')
  class LimitsController {
    constructor(@Inject(ConfigService) private readonly config: ConfigService) {}

    @Get()
    limits() {
      return { maxSessions: this.config.get<number>('gateway.server.max_sessions') };
    }
  }

  @Module({ controllers: [LimitsController] })
  class LimitsModule {}

  it("serves the host module's routes, which read the gateway's config through ConfigService", async () => {
    const temp = writeGatewayConfig({
      server: { host: '127.0.0.1', port: 0, max_sessions: 7 },
      logging: { level: 'silent' },
    });
    const app = await startGateway(temp.config, { imports: [LimitsModule] });
    try {
      const address = app.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const response = await fetch(`http://127.0.0.1:${port}/limits`);
      expect(await response.json()).toEqual({ maxSessions: 7 });
    } finally {
      await app.close();
      temp.cleanup();
    }
  });
});
