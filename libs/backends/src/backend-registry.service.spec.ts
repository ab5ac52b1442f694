// The registry's background reconnect loop on a fake clock: a backend that keeps failing is retried 1 s after the
// first failure, then at doubling intervals up to 30 s, and the backoff starts over once it has been ready.
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { BackendPolicyFactory } from '@gateway/resilience';
import { writeGatewayConfig, type TempConfig } from '../../../test/helpers/gateway-config.js';
import { BackendRegistry } from './backend-registry.service.js';
import type { BackendConnector, ConnectRequest, Connection } from './transports/backend-connector.js';

/** Fails every connect while `broken`; otherwise connects to an in-memory MCP server. Records when each began. */
class FakeConnector implements BackendConnector {
  readonly kinds = ['stdio'] as const;
  broken = true;
  readonly attempts: number[] = [];
  server?: McpServer;

  async connect(request: ConnectRequest): Promise<Connection> {
    this.attempts.push(Date.now());
    if (this.broken) throw new Error('spawn nosuchcommand ENOENT');
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    this.server = new McpServer({ name: 'fake', version: '1.0.0' });
    await this.server.connect(serverSide);
    const client = request.createClient();
    await client.connect(clientSide);
    return { client, transport: clientSide, kind: 'stdio', close: () => client.close() };
  }
}

/** Gaps between consecutive attempts, in ms. */
function gaps(times: number[]): number[] {
  return times.slice(1).map((time, index) => time - times[index]);
}

describe('BackendRegistry reconnect backoff', () => {
  let temp: TempConfig;
  let connector: FakeConnector;
  let registry: BackendRegistry;

  beforeEach(() => {
    jest.useFakeTimers({ now: 0 });
    temp = writeGatewayConfig({ backends: { broken: { command: 'nosuchcommand' } } });
    connector = new FakeConnector();
    registry = new BackendRegistry(temp.config, [connector], new BackendPolicyFactory(temp.config));
  });

  afterEach(async () => {
    await registry.onApplicationShutdown();
    jest.useRealTimers();
    temp.cleanup();
  });

  it('a backend that keeps failing is retried after 1 s, 2 s, 4 s ... and at most every 30 s', async () => {
    registry.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(5 * 60_000);

    expect(connector.attempts[0]).toBe(0);
    // At 0, 1, 3, 7, 15 and 31 s, then every 30 s: 8 more by 300 s.
    expect(gaps(connector.attempts)).toEqual([1000, 2000, 4000, 8000, 16_000, ...Array(8).fill(30_000)]);
    expect(registry.get('broken').status().restarts).toBe(13);
  });

  it("a caller's failed start while a retry is pending neither adds a timer nor resets the backoff", async () => {
    registry.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(3000); // attempts at 0, 1 s, 3 s; the next is due at 7 s
    await expect(registry.get('broken').start()).rejects.toThrow('ENOENT');
    await jest.advanceTimersByTimeAsync(20_000);

    expect(gaps(connector.attempts)).toEqual([1000, 2000, 0, 4000, 8000]);
  });

  it('after the backend was ready, the next failure is retried after 1 s again', async () => {
    registry.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(14_000); // attempts at 0, 1, 3, 7 s; the next is due at 15 s
    connector.broken = false;
    await jest.advanceTimersByTimeAsync(1000);
    const backend = registry.get('broken');
    expect(backend.state).toBe('ready');

    connector.broken = true;
    const lostAt = Date.now();
    await connector.server!.close(); // the connection drops: failed, and the loop starts over
    expect(backend.state).toBe('failed');
    await jest.advanceTimersByTimeAsync(4000);

    expect(connector.attempts.filter((time) => time > lostAt).map((time) => time - lostAt)).toEqual([1000, 3000]);
  });
});
