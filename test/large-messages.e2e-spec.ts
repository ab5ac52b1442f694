// Large results from stdio backends through the real gateway (issue 12 item 12): max_message_size fails the one
// request with an error naming the backend, and a backend busy writing a large result is not taken for a stuck one.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { faultStdioCommand } from './helpers/fault.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { firstText, stdioBackend } from './helpers/gateway-config.js';
import { BackendRegistry } from '@gateway/backends';

jest.setTimeout(60_000);

describe('large stdio messages', () => {
  let gateway: TestGateway;
  const clients: Client[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway(
      {
        // Pings every ~200 ms that time out after 100 ms: two in a row used to restart a stdio backend.
        failsafe: { health_check: { interval: '200ms', timeout: '100ms' } },
        backends: {
          small: stdioBackend(faultStdioCommand(), { env: { FAULT_NAME: 'small' }, max_message_size: '1mb' }),
          busy: stdioBackend(faultStdioCommand(), { env: { FAULT_NAME: 'busy' } }),
        },
      },
      { ready: ['small', 'busy'] },
    );
  });

  afterAll(async () => {
    await Promise.allSettled(clients.map((client) => client.close()));
    expect(await closeAndReap(gateway)).toEqual([]);
  });

  async function client(backend: string): Promise<Client> {
    const connected = await connectClient(`${gateway.baseUrl}/mcp/${backend}`);
    clients.push(connected);
    return connected;
  }

  function restarts(backend: string): number {
    return gateway.app.get(BackendRegistry).get(backend).status().restarts;
  }

  it('a result above max_message_size fails at once, naming the backend and the key; the backend keeps working', async () => {
    const small = await client('small');
    const started = Date.now();
    await expect(small.callTool({ name: 'big', arguments: { bytes: 2 * 1024 ** 2 } })).rejects.toThrow(
      /backend "small" sent a message of \d+ bytes, more than its max_message_size \(1mb\); raise backends\.small\.max_message_size/,
    );
    // Not the request timeout (30 s): the error came when the message ended.
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(firstText(await small.callTool({ name: 'big', arguments: { bytes: 1000 } })).length).toBe(1000);
    expect(restarts('small')).toBe(0);
  });

  it('a backend writing a large result for 3 s while pings time out is alive: not restarted, the result arrives', async () => {
    const busy = await client('busy');
    const result = await busy.callTool({ name: 'drip', arguments: { bytes: 4_000_000, ms: 3000 } });
    expect(firstText(result).length).toBe(4_000_000);
    expect(restarts('busy')).toBe(0);
  });
});
