import { describe, expect, it } from '@jest/globals';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
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
