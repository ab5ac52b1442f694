import { describe, expect, it } from '@jest/globals';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { JSONRPCMessage, JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { EraClient, LegacyBackendError } from './era-client.js';

const info = { name: 'gateway', version: '1' };

async function legacyServerPair() {
  const server = new Server({ name: 'legacy', version: '9' }, { capabilities: { tools: {} } });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await server.connect(serverSide);
  return { server, clientSide };
}

describe('EraClient against a legacy (SDK 1.x) server', () => {
  it('auto over stdio: the probe is refused, initialize follows on the same connection', async () => {
    const { server, clientSide } = await legacyServerPair();
    const client = new EraClient(
      info,
      {},
      { protocol: 'auto', backend: 'b', transport: 'stdio', probeTimeoutMs: 5000 },
    );
    await client.connect(clientSide);
    expect(client.era).toBe('legacy');
    expect(client.negotiatedVersion).toBe('2025-11-25');
    expect(client.getServerVersion()).toEqual({ name: 'legacy', version: '9' });
    await client.close();
    await server.close();
  });

  it('auto over HTTP or protocol: modern: a legacy answer is an error naming the backend', async () => {
    for (const [protocol, transport] of [
      ['auto', 'http'],
      ['modern', 'stdio'],
    ] as const) {
      const { server, clientSide } = await legacyServerPair();
      const client = new EraClient(info, {}, { protocol, backend: 'old', transport, probeTimeoutMs: 5000 });
      const error = await client.connect(clientSide).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LegacyBackendError);
      expect((error as Error).message).toContain('backend "old" speaks only the legacy protocol');
      await client.close();
      await server.close();
    }
  });

  it('protocol: legacy sends no probe', async () => {
    const { server, clientSide } = await legacyServerPair();
    const methods: string[] = [];
    const send = clientSide.send.bind(clientSide);
    clientSide.send = (message, options) => {
      if ('method' in message) methods.push(message.method);
      return send(message, options);
    };
    const client = new EraClient(
      info,
      {},
      { protocol: 'legacy', backend: 'b', transport: 'stdio', probeTimeoutMs: 5000 },
    );
    await client.connect(clientSide);
    expect(methods).toEqual(['initialize', 'notifications/initialized']);
    await client.close();
    await server.close();
  });
});

/**
 * A stateless modern server on a raw transport: it refuses the first `refusals` requests with -32022 naming
 * `supported`, then answers server/discover. Records every request it saw.
 */
async function modernServerPair(refusals: number, supported: string[]) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const seen: JSONRPCRequest[] = [];
  serverSide.onmessage = (message: JSONRPCMessage) => {
    if (!('method' in message) || !('id' in message)) return;
    seen.push(message);
    const requested = message.params?._meta?.['io.modelcontextprotocol/protocolVersion'];
    const reply: JSONRPCMessage =
      seen.length <= refusals
        ? {
            jsonrpc: '2.0',
            id: message.id,
            error: { code: -32022, message: 'Unsupported protocol version', data: { supported, requested } },
          }
        : {
            jsonrpc: '2.0',
            id: message.id,
            result: {
              supportedVersions: supported,
              capabilities: { tools: {} },
              serverInfo: { name: 'm', version: '2' },
            },
          };
    void serverSide.send(reply);
  };
  await serverSide.start();
  return { clientSide, seen };
}

describe('EraClient against a modern server that refuses the first request with -32022', () => {
  it('naming 2026-07-28 among its versions: the probe is retried with it, not fallen back to initialize', async () => {
    for (const transport of ['stdio', 'http'] as const) {
      const { clientSide, seen } = await modernServerPair(1, ['2026-07-28']);
      const client = new EraClient(info, {}, { protocol: 'auto', backend: 'm', transport, probeTimeoutMs: 5000 });
      await client.connect(clientSide);
      expect(client.era).toBe('modern');
      expect(client.getServerCapabilities()).toEqual({ tools: {} });
      expect(seen.map((request) => request.method)).toEqual(['server/discover', 'server/discover']);
      expect(seen[1].id).not.toBe(seen[0].id);
      expect(seen[1].params?._meta).toMatchObject({
        'io.modelcontextprotocol/protocolVersion': '2026-07-28',
        'io.modelcontextprotocol/clientInfo': info,
        'io.modelcontextprotocol/clientCapabilities': {},
      });
      await client.close();
    }
  });

  it('refusing the retry too: a connect error naming the backend and its versions, no initialize', async () => {
    const { clientSide, seen } = await modernServerPair(2, ['2026-07-28']);
    const client = new EraClient(
      info,
      {},
      { protocol: 'auto', backend: 'm', transport: 'stdio', probeTimeoutMs: 5000 },
    );
    const error = await client.connect(clientSide).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      'backend "m" speaks 2026-07-28 but refused server/discover: server/discover answered error -32022 ' +
        '(supported: 2026-07-28)',
    );
    expect(seen.map((request) => request.method)).toEqual(['server/discover', 'server/discover']);
    await client.close();
  });
});
