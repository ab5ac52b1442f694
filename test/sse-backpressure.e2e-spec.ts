// A client that stops reading its SSE stream must not grow the gateway's memory: once it has left
// server.stream_buffer unread, its stream is closed, and it gets the rest by resuming with Last-Event-ID.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SessionRegistry } from '@gateway/meta-mcp';
import { faultStdioCommand } from './helpers/fault.js';
import { closeAndReap, startTestGateway, type TestGateway } from './helpers/gateway.js';
import { CapturingLogger, stdioBackend } from './helpers/gateway-config.js';
import { waitFor } from './helpers/processes.js';
import { sseEvents, type SseEvent } from './helpers/raw-http.js';
import { openRawSession, RAW_PROTOCOL_VERSION, sessionHeaders } from './helpers/raw-session.js';

jest.setTimeout(60_000);

const FLOOD = 40_000;
let gateway: TestGateway;
const logs = new CapturingLogger();

beforeAll(async () => {
  gateway = await startTestGateway(
    {
      server: { stream_buffer: '64kb' },
      failsafe: { health_check: { enabled: false } },
      backends: { fault: stdioBackend(faultStdioCommand()) },
    },
    { ready: ['fault'] },
  );
  gateway.app.useLogger(logs);
});

afterAll(async () => {
  if (gateway) expect(await closeAndReap(gateway)).toEqual([]);
});

/** A POST written by hand on a socket the test controls, so it can stop reading the answer. */
function postOnSocket(path: string, headers: Record<string, string>, body: string): Promise<Socket> {
  const port = Number(new URL(gateway.baseUrl).port);
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      const lines = Object.entries({ ...headers, host: '127.0.0.1', 'content-length': String(Buffer.byteLength(body)) })
        .map(([name, value]) => `${name}: ${value}\r\n`)
        .join('');
      socket.write(`POST ${path} HTTP/1.1\r\n${lines}\r\n${body}`);
      resolve(socket);
    });
    socket.once('error', reject);
  });
}

/** Everything the socket still delivers until the server closes it. */
function readToClose(socket: Socket): Promise<string> {
  const chunks: Buffer[] = [];
  socket.on('data', (chunk: Buffer) => chunks.push(chunk));
  return new Promise((resolve) => socket.once('close', () => resolve(Buffer.concat(chunks).toString('utf8'))));
}

function eventsIn(sse: string): SseEvent[] {
  return sse
    .split('\n\n')
    .slice(0, -1) // the last block may be cut mid-event
    .flatMap((block) => {
      const id = /^id: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1];
      return data === undefined ? [] : [{ id, data }];
    });
}

describe('server.stream_buffer (64kb here)', () => {
  it('closes the stream of a client that stops reading; it resumes with Last-Event-ID and gets the result', async () => {
    const url = `${gateway.baseUrl}/mcp/fault`;
    const session = await openRawSession(url);
    const transport = gateway.app.get(SessionRegistry).get(session)!.transport;
    const call = {
      jsonrpc: '2.0',
      id: 1,
      method: 'tools/call',
      params: { name: 'flood', arguments: { count: FLOOD } },
    };
    const socket = await postOnSocket('/mcp/fault', sessionHeaders(session), JSON.stringify(call));
    socket.pause(); // reads nothing more: the kernel buffers fill, then the gateway's would

    await waitFor(() => logs.lines.some((line) => line.message.includes('server.stream_buffer')), {
      timeoutMs: 45_000,
      intervalMs: 50,
      description: 'the stream closed for its unread data',
    });
    const warning = logs.lines.find((line) => line.message.includes('server.stream_buffer'))!;
    expect(warning).toMatchObject({ level: 'warn', message: expect.stringContaining('can resume with Last-Event-ID') });
    await waitFor(() => transport.inFlight === 0, { timeoutMs: 45_000, description: 'the flood call finished' });

    const received = eventsIn(await readToClose(socket.resume()));
    const floods = received.filter((event) => event.data.includes('notifications/message'));
    expect(floods.length).toBeGreaterThan(0);
    expect(floods.length).toBeLessThan(FLOOD);
    expect(received.some((event) => event.data.includes(`flooded ${FLOOD}`))).toBe(false);

    const lastId = received.at(-1)!.id!;
    const resumed = await fetch(url, {
      headers: {
        accept: 'text/event-stream',
        'mcp-session-id': session,
        'mcp-protocol-version': RAW_PROTOCOL_VERSION,
        'last-event-id': lastId,
      },
    });
    expect(resumed.status).toBe(200);
    const replayed: SseEvent[] = [];
    for await (const event of sseEvents(resumed.body!)) replayed.push(event);
    expect(replayed.at(-1)!.data).toContain(`flooded ${FLOOD}`);
  });
});
