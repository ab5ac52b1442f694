// An HTTP backend that cuts its socket in the middle of an SSE event (issue 12 item 13): the call fails at once with
// an error naming the backend, through the real gateway, not when the request timeout expires.
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { closeAndReap, connectClient, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { spawnTs, type SpawnedProcess } from './helpers/processes.js';

jest.setTimeout(60_000);

describe('an HTTP backend that cuts its SSE answer', () => {
  let backend: SpawnedProcess;
  let gateway: TestGateway;
  let client: Client;

  beforeAll(async () => {
    backend = await spawnTs('test/fixtures/cut-sse-server.ts', [], { PORT: '0' }, { waitForListening: true });
    gateway = await startTestGateway(
      {
        server: { request_timeout: '30s' },
        backends: { cutter: { http_url: `http://127.0.0.1:${backend.port}/mcp`, transport: 'streamable_http' } },
      },
      { ready: ['cutter'] },
    );
    client = await connectClient(`${gateway.baseUrl}/mcp/cutter`);
  });

  afterAll(async () => {
    await client?.close();
    await closeAndReap(gateway);
    await backend.stop();
  });

  it('fails the call at once with an error naming the backend and the cut stream, not after request_timeout', async () => {
    const started = Date.now();
    await expect(client.callTool({ name: 'cut', arguments: {} })).rejects.toThrow(
      'backend "cutter" connection lost: its SSE stream was cut',
    );
    // request_timeout is 30 s; the error comes as soon as the socket closes.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
