// PerClientConnections on a fake clock with a fake connector: the cap, its log line, and the idle close.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { Logger } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { sessionTag, type BackendConfig } from '@gateway/config';
import type { DownstreamClient } from './downstream-client.js';
import { PerClientConnections } from './per-client-connections.js';
import type { BackendConnector, Connection } from './transports/backend-connector.js';

class FakeConnector implements BackendConnector {
  readonly kinds = ['stdio'] as const;
  readonly closed: number[] = [];
  private opened = 0;

  async connect(): Promise<Connection> {
    const id = ++this.opened;
    return {
      client: {} as Client,
      transport: {} as Connection['transport'],
      kind: 'stdio',
      close: async () => void this.closed.push(id),
    };
  }
}

function session(id: string): DownstreamClient & { end(): void } {
  const listeners: Array<() => void> = [];
  return {
    sessionId: id,
    capabilities: { roots: {} },
    request: () => Promise.resolve({}),
    notify: () => Promise.resolve(),
    onClose: (listener) => listeners.push(listener),
    end: () => listeners.forEach((listener) => listener()),
  };
}

describe('PerClientConnections', () => {
  let connector: FakeConnector;
  let logger: Logger;
  let fallbacks: number;
  let connections: PerClientConnections;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    connector = new FakeConnector();
    logger = new Logger('test');
    jest.spyOn(logger, 'warn').mockImplementation(() => undefined);
    jest.spyOn(logger, 'log').mockImplementation(() => undefined);
    fallbacks = 0;
    const config = { max_client_connections: 1, client_connection_idle: 60_000 } as BackendConfig;
    connections = new PerClientConnections({
      name: 'everything',
      config,
      connector,
      clientInfo: { name: 'test', version: '1' },
      connectTimeoutMs: 1000,
      logger,
      onFallback: () => fallbacks++,
    });
  });

  afterEach(() => {
    jest.useRealTimers();
  });

  it('beyond the cap a session shares, decided and logged once per session; a slot freed serves a new session', async () => {
    const [a, b, c] = [session('aaaaaaaa-1'), session('bbbbbbbb-2'), session('cccccccc-3')];
    expect(connections.admits(a)).toBe(true);
    const acquired = connections.acquire(a);
    connections.release(a.sessionId, acquired);

    expect(connections.admits(b)).toBe(false);
    expect(connections.admits(b)).toBe(false);
    expect(fallbacks).toBe(1);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining(
        `session ${sessionTag('bbbbbbbb-2')} uses the shared connection: max_client_connections (1) reached`,
      ),
    );

    a.end();
    await jest.advanceTimersByTimeAsync(0);
    expect(connector.closed).toEqual([1]);
    expect(connections.admits(b)).toBe(false); // b stays on the shared connection for its lifetime
    expect(connections.admits(c)).toBe(true);
  });

  it('closes a connection unused for client_connection_idle, never one with a request running', async () => {
    const a = session('aaaaaaaa-1');
    const first = connections.acquire(a);
    await first;
    connections.release(a.sessionId, first);
    await jest.advanceTimersByTimeAsync(30_000);
    const second = connections.acquire(a); // used again at 30 s, and still running at 90 s
    await jest.advanceTimersByTimeAsync(60_000);
    expect(connector.closed).toEqual([]);
    connections.release(a.sessionId, second);
    await jest.advanceTimersByTimeAsync(59_000);
    expect(connector.closed).toEqual([]);
    await jest.advanceTimersByTimeAsync(1000);
    expect(connector.closed).toEqual([1]);
    expect(connections.size).toBe(0);
  });
});
