// Issue 15 upstream: a legacy (SDK 1.x) client reaches a modern-only (2026-07-28, SDK 2.x) backend through the
// gateway, over stdio and Streamable HTTP, on /mcp/{backend} and through gateway_invoke on /mcp: tools, progress,
// sampling, elicitation and roots (the backend's input_required turned into requests to the client), a list change
// and a resource update (the gateway's subscriptions/listen upstream), a cancelled call; and era detection.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
  type ClientCapabilities,
  type Progress,
} from '@modelcontextprotocol/sdk/types.js';
import { BackendRegistry } from '@gateway/backends';
import type { GatewayHealth } from '@gateway/health';
import { conformanceFixture } from './helpers/conformance.js';
import { everythingStdioCommand, startEverythingOnPort } from './helpers/everything-server.js';
import { connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { modernStdioCommand, startModernHttp, type RunningModernServer } from './helpers/modern-server.js';
import { freePort, tsCommand, waitFor } from './helpers/processes.js';

jest.setTimeout(90_000);

const CALLBACKS: ClientCapabilities = { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } };

/** A legacy client that answers sampling, elicitation and roots as `who`, counting each. */
async function person(url: string, who: string, capabilities: ClientCapabilities = CALLBACKS) {
  const client = await connectClient(url, capabilities);
  const asked = { sampling: 0, elicitation: 0, roots: 0 };
  if (capabilities.sampling) {
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      asked.sampling++;
      const prompt = JSON.stringify(request.params.messages);
      return {
        role: 'assistant',
        model: 'test-model',
        content: { type: 'text', text: `${who} read ${prompt.length}` },
      };
    });
  }
  if (capabilities.elicitation) {
    client.setRequestHandler(ElicitRequestSchema, async () => {
      asked.elicitation++;
      return { action: 'accept', content: { ok: true } };
    });
  }
  if (capabilities.roots) {
    client.setRequestHandler(ListRootsRequestSchema, async () => {
      asked.roots++;
      return { roots: [{ uri: `file:///home/${who}`, name: who }] };
    });
  }
  return { client, asked };
}

describe.each(['stdio', 'streamable_http'] as const)('a modern-only backend over %s', (transport) => {
  let gateway: TestGateway;
  let modernHttp: RunningModernServer | undefined;
  const clients: Client[] = [];
  const track = <T extends { client: Client }>(value: T): T => {
    clients.push(value.client);
    return value;
  };

  beforeAll(async () => {
    if (transport === 'streamable_http') modernHttp = await startModernHttp();
    gateway = await startTestGateway(
      {
        backends: {
          modern: modernHttp ? { http_url: modernHttp.url } : stdioBackend(modernStdioCommand()),
        },
      },
      { ready: ['modern'] },
    );
  });

  afterAll(async () => {
    await Promise.all(clients.map((client) => client.close().catch(() => undefined)));
    await gateway?.close();
    await modernHttp?.stop();
  });

  const direct = () => `${gateway.baseUrl}/mcp/modern`;
  const viaInvoke = (client: Client, tool: string, args: Record<string, unknown> = {}) =>
    client.callTool({ name: 'gateway_invoke', arguments: { server: 'modern', tool, arguments: args } });

  it('is detected as modern: /health shows protocol 2026-07-28 and the server it found', async () => {
    const { body } = await gateway.get('/health');
    const health = (body as GatewayHealth).backends.modern;
    expect(health).toMatchObject({
      state: 'ready',
      protocol: '2026-07-28',
      transport: 'streamable_http' === transport ? 'streamable_http' : 'stdio',
    });
  });

  it('answers the health-check ping (2026-07-28 has none: server/discover stands in)', async () => {
    await expect(gateway.app.get(BackendRegistry).get('modern').ping(5000)).resolves.toBeUndefined();
  });

  it('lists and calls its tools for a legacy client on /mcp/modern and through gateway_invoke on /mcp', async () => {
    const { client } = track(await person(direct(), 'ann', {}));
    const names = (await client.listTools()).tools.map((tool) => tool.name);
    expect(names).toEqual(expect.arrayContaining(['echo', 'progress', 'slow', 'sample', 'elicit', 'roots']));
    expect(firstText(await client.callTool({ name: 'echo', arguments: { text: 'hello' } }))).toBe('hello');

    const { client: meta } = track(await person(`${gateway.baseUrl}/mcp`, 'ann-meta', {}));
    expect(firstText(await viaInvoke(meta, 'echo', { text: 'via meta' }))).toBe('via meta');
  });

  it('passes progress on to the client', async () => {
    const { client } = track(await person(direct(), 'pat', {}));
    const seen: Progress[] = [];
    const result = await client.callTool({ name: 'progress', arguments: { steps: 3 } }, undefined, {
      onprogress: (progress) => seen.push(progress),
    });
    expect(firstText(result)).toBe('done 3 steps');
    expect(seen.map((progress) => progress.progress)).toEqual([1, 2, 3]);
  });

  it('turns sampling, elicitation and roots asked with input_required into requests to the legacy client', async () => {
    const { client, asked } = track(await person(direct(), 'sam'));
    expect(firstText(await client.callTool({ name: 'sample', arguments: { prompt: 'hi' } }))).toMatch(
      /^sampled: sam read \d+$/,
    );
    expect(firstText(await client.callTool({ name: 'elicit', arguments: { message: 'sure?' } }))).toBe(
      'elicited: accept {"ok":true}',
    );
    expect(firstText(await client.callTool({ name: 'roots', arguments: {} }))).toBe('roots: file:///home/sam');
    expect(asked).toEqual({ sampling: 1, elicitation: 1, roots: 1 });
  });

  it('does the same through gateway_invoke on /mcp, asking the client that called', async () => {
    const { client, asked } = track(await person(`${gateway.baseUrl}/mcp`, 'meg'));
    const other = track(await person(`${gateway.baseUrl}/mcp`, 'other'));
    expect(firstText(await viaInvoke(client, 'sample', { prompt: 'x' }))).toMatch(/^sampled: meg read/);
    expect(firstText(await viaInvoke(client, 'roots'))).toBe('roots: file:///home/meg');
    expect(asked).toMatchObject({ sampling: 1, roots: 1 });
    expect(other.asked).toEqual({ sampling: 0, elicitation: 0, roots: 0 });
  });

  it('refuses clearly when the client cannot answer what the backend asks', async () => {
    const { client } = track(await person(direct(), 'nobody', {}));
    // The gateway declares exactly the client's capabilities to the backend, which refuses to ask for sampling.
    await expect(client.callTool({ name: 'sample', arguments: { prompt: 'hi' } })).rejects.toThrow(
      /sampling\/createMessage.*capabilit/,
    );
    // Nothing else is disturbed: the next call works.
    expect(firstText(await client.callTool({ name: 'echo', arguments: { text: 'still here' } }))).toBe('still here');
  });

  it('tells the client of a tools list change (subscriptions/listen upstream) and lists the new tool', async () => {
    const { client } = track(await person(direct(), 'lou', {}));
    let changed = 0;
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed++);
    const name = `added_${transport}`;
    await client.callTool({ name: 'add_tool', arguments: { name } });
    await waitFor(() => changed > 0, { description: 'tools/list_changed at the client', timeoutMs: 15_000 });
    await waitFor(async () => (await client.listTools()).tools.some((tool) => tool.name === name), {
      description: `${name} listed`,
      timeoutMs: 15_000,
    });
  });

  it('delivers an update of a resource the client subscribed to', async () => {
    const { client } = track(await person(direct(), 'rae', {}));
    const updated: string[] = [];
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => {
      updated.push(notification.params.uri);
    });
    await client.subscribeResource({ uri: 'modern://counter' });
    // The subscription reaches the backend by reopening the listen: touch until an update arrives.
    await waitFor(
      async () => {
        await client.callTool({ name: 'touch', arguments: {} });
        return updated.includes('modern://counter');
      },
      { description: 'resources/updated at the client', timeoutMs: 15_000, intervalMs: 300 },
    );
  });

  it('cancels the backend call when the client cancels its request', async () => {
    const { client } = track(await person(direct(), 'cal', {}));
    const stats = async () =>
      JSON.parse(firstText(await client.callTool({ name: 'stats', arguments: {} }))) as { cancellations: number };
    const before = (await stats()).cancellations;
    const abort = new AbortController();
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const call = client.callTool({ name: 'slow', arguments: { ms: 60_000 } }, undefined, {
      signal: abort.signal,
      onprogress: () => started(),
    });
    // The backend's first progress says the call is running there.
    await running;
    abort.abort('changed my mind');
    await expect(call).rejects.toThrow();
    await waitFor(async () => (await stats()).cancellations > before, {
      description: 'the backend saw the cancellation',
      timeoutMs: 15_000,
    });
  });
});

describe('era detection', () => {
  let gateway: TestGateway;
  let modernHttp: RunningModernServer;

  beforeAll(async () => {
    modernHttp = await startModernHttp();
    gateway = await startTestGateway(
      {
        backends: {
          modern: stdioBackend(modernStdioCommand()),
          everything: stdioBackend(everythingStdioCommand()),
          conformance: stdioBackend(tsCommand(conformanceFixture, ['stdio'])),
          forced_legacy: stdioBackend(modernStdioCommand(), { protocol: 'legacy' }),
          forced_legacy_http: { http_url: modernHttp.url, protocol: 'legacy' },
          forced_modern: stdioBackend(everythingStdioCommand(), { protocol: 'modern' }),
        },
      },
      { ready: ['modern', 'everything', 'conformance'] },
    );
  });

  afterAll(async () => {
    await gateway?.close();
    await modernHttp?.stop();
  });

  it('auto picks modern for the modern fixture and legacy for server-everything and the conformance fixture', async () => {
    const { body } = await gateway.get('/health');
    const backends = (body as GatewayHealth).backends;
    expect(backends.modern.protocol).toBe('2026-07-28');
    expect(backends.everything.protocol).toBe('2025-11-25');
    expect(backends.conformance.protocol).toBe('2025-11-25');
  });

  it('a legacy backend still works as before beside a modern one', async () => {
    const client = await connectClient(`${gateway.baseUrl}/mcp/everything`);
    try {
      const result = await client.callTool({ name: 'echo', arguments: { message: 'legacy' } });
      expect(firstText(result)).toContain('legacy');
    } finally {
      await client.close();
    }
  });

  it('protocol: modern against a legacy server fails with an error naming the backend', async () => {
    const client = await connectClient(`${gateway.baseUrl}/mcp`);
    try {
      const result = await client.callTool({
        name: 'gateway_invoke',
        arguments: { server: 'forced_modern', tool: 'echo', arguments: { message: 'x' } },
      });
      expect(result.isError).toBe(true);
      const health = (await gateway.get('/health')).body as GatewayHealth;
      expect(health.backends.forced_modern.last_error).toContain(
        'backend "forced_modern" speaks only the legacy protocol (2025-11-25)',
      );
    } finally {
      await client.close();
    }
  });

  it.each(['forced_legacy', 'forced_legacy_http'])(
    'protocol: legacy against a modern-only server (%s) fails with an error naming the backend and the fix',
    async (name) => {
      const client = await connectClient(`${gateway.baseUrl}/mcp`);
      try {
        const result = await client.callTool({
          name: 'gateway_invoke',
          arguments: { server: name, tool: 'echo', arguments: { text: 'x' } },
        });
        expect(result.isError).toBe(true);
        const health = (await gateway.get('/health')).body as GatewayHealth;
        expect(health.backends[name].last_error).toContain(
          `refused the legacy initialize handshake: it speaks only 2026-07-28; set backends.${name}.protocol`,
        );
      } finally {
        await client.close();
      }
    },
  );
});

describe('era cached per origin, asked again when it stops holding', () => {
  it('an HTTP backend replaced by a legacy server at the same URL is probed again and keeps serving', async () => {
    const port = await freePort();
    let modern: RunningModernServer | undefined = await startModernHttp(port);
    let legacy: Awaited<ReturnType<typeof startEverythingOnPort>> | undefined;
    const gateway = await startTestGateway(
      { backends: { swap: { http_url: `http://127.0.0.1:${port}/mcp` } } },
      { ready: ['swap'] },
    );
    const protocol = async () => ((await gateway.get('/health')).body as GatewayHealth).backends.swap.protocol;
    try {
      expect(await protocol()).toBe('2026-07-28');
      await modern.stop();
      modern = undefined;
      legacy = await startEverythingOnPort('streamableHttp', port);
      const client = await connectClient(`${gateway.baseUrl}/mcp`);
      try {
        // The first request after the swap may meet the old assumption; the gateway re-probes and serves it.
        await waitFor(
          async () => {
            const result = await client.callTool({
              name: 'gateway_invoke',
              arguments: { server: 'swap', tool: 'echo', arguments: { message: 'after swap' } },
            });
            // Thrown, so a timeout names the last answer.
            if (result.isError || !firstText(result).includes('after swap')) throw new Error(firstText(result));
            return true;
          },
          { description: 'a call served by the legacy server', timeoutMs: 20_000, intervalMs: 300 },
        );
        expect(await protocol()).toBe('2025-11-25');
      } finally {
        await client.close();
      }
    } finally {
      await gateway.close();
      await modern?.stop();
      await legacy?.stop();
    }
  });
});
