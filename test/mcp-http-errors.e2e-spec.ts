// What an MCP client gets when the fault is not in an MCP message: a backend that cannot start, a path under /mcp
// that is no endpoint, a URL or bytes Fastify refuses itself. Always a JSON-RPC error body; and a client that
// disconnects mid-request is no error in the logs.
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { faultStdioCommand } from './helpers/fault.js';
import { closeAndReap, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { CapturingLogger, stdioBackend } from './helpers/gateway-config.js';
import { mcpPostHeaders, rawRequest, type RawResponse } from './helpers/raw-http.js';
import { expectJsonRpcError, initializeBody } from './helpers/raw-session.js';
import { waitFor } from './helpers/processes.js';

jest.setTimeout(30_000);

let gateway: TestGateway;
const logs = new CapturingLogger();

beforeAll(async () => {
  gateway = await startTestGateway(
    {
      failsafe: { health_check: { enabled: false } },
      backends: {
        fault: stdioBackend(faultStdioCommand()),
        broken: stdioBackend(faultStdioCommand(), { env: { FAULT_EXIT_ON_START: '1' } }),
      },
    },
    { ready: ['fault'] },
  );
  gateway.app.useLogger(logs);
});

afterAll(async () => {
  if (gateway) expect(await closeAndReap(gateway)).toEqual([]);
});

/** Sends `bytes` on a fresh connection and returns everything the server wrote before closing it. */
function rawExchange(bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(Number(new URL(gateway.baseUrl).port), '127.0.0.1', () => socket.write(bytes));
    const chunks: Buffer[] = [];
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function parseHttp(text: string): RawResponse {
  const [head, body] = text.split('\r\n\r\n');
  const [statusLine, ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(
    lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
  );
  let json: RawResponse['json'];
  try {
    json = JSON.parse(body) as RawResponse['json'];
  } catch {
    json = undefined;
  }
  return { status: Number(statusLine.split(' ')[1]), headers, text: body, json };
}

describe('a backend that cannot start', () => {
  it('answers initialize on /mcp/{backend} with 503 and a JSON-RPC error naming the backend', async () => {
    const response = await rawRequest(`${gateway.baseUrl}/mcp/broken`, {
      headers: mcpPostHeaders(),
      body: initializeBody(),
    });
    const message = expectJsonRpcError(response, 503);
    expect(message).toMatch(/^backend "broken" is unavailable: /);
    expect(message).not.toContain('Internal error');
    expect(response.json!.id).toBe(0);
  });
});

describe("Fastify's and Nest's own refusals on MCP routes are JSON-RPC errors", () => {
  it('a path below /mcp/{backend}: 404', async () => {
    for (const path of ['/mcp/fault/extra', '/mcp/fault/a/b/c']) {
      const response = await rawRequest(`${gateway.baseUrl}${path}`, {
        headers: mcpPostHeaders(),
        body: initializeBody(),
      });
      expect(expectJsonRpcError(response, 404, -32600)).toContain(`no MCP endpoint at ${path}`);
    }
  });

  it('a backend name longer than the router allows: 414', async () => {
    const response = await rawRequest(`${gateway.baseUrl}/mcp/${'b'.repeat(300)}`, {
      headers: mcpPostHeaders(),
      body: initializeBody(),
    });
    expect(expectJsonRpcError(response, 414)).toContain('URI Too Long');
  });

  it('bytes that are not HTTP: 400, and the connection closed', async () => {
    const response = parseHttp(await rawExchange('GARBAGE\r\n\r\n'));
    expect(expectJsonRpcError(response, 400)).toContain('not valid HTTP');
  });

  it('headers over the size limit: 431', async () => {
    const request = `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nx-big: ${'h'.repeat(20_000)}\r\n\r\n`;
    const response = parseHttp(await rawExchange(request));
    expect(expectJsonRpcError(response, 431)).toContain('Request Header Fields Too Large');
  });
});

describe('a client that disconnects mid-request', () => {
  it('is no error in the logs', async () => {
    const before = logs.lines.length;
    await new Promise<void>((resolve) => {
      const socket = connect(Number(new URL(gateway.baseUrl).port), '127.0.0.1', () => {
        socket.write(
          'POST /mcp/fault HTTP/1.1\r\nHost: 127.0.0.1\r\ncontent-type: application/json\r\n' +
            'accept: application/json, text/event-stream\r\ncontent-length: 100\r\n\r\n{"jsonrpc"',
        );
        setTimeout(() => socket.destroy(), 100);
      });
      socket.on('close', () => resolve());
    });
    // The gateway has seen the request end once a later one is served.
    await waitFor(async () => (await gateway.get('/health/live')).status === 200);
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(logs.lines.slice(before).filter((line) => line.level === 'error')).toEqual([]);
  });
});
