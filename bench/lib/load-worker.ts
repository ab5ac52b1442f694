// A load-generator process: one MCP session per loop making tools/call requests as fast as each answer arrives,
// timing every call. Sessions are opened with the MCP SDK Client; calls go through it ('sdk') or as raw HTTP POSTs
// ('raw', bench/lib/raw-http-caller.ts). Driven over IPC by bench/lib/load-pool.ts; one operation at a time.
import { performance } from 'node:perf_hooks';
import {
  Client as ModernClient,
  StreamableHTTPClientTransport as ModernHttpTransport,
} from '@modelcontextprotocol/client';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { CallSpec, FromWorker, LoadGen, LoadTarget, ToWorker } from './load-protocol.js';
import type { ToolResult } from './mcp-response.js';
import { MODERN_PROTOCOL_VERSION, RawHttpCaller } from './raw-http-caller.js';

interface Session {
  client?: Client;
  transport?: StreamableHTTPClientTransport | StdioClientTransport;
  /** A modern (2026-07-28) SDK 2.x client: no session, so nothing to terminate. */
  modern?: ModernClient;
  raw?: RawHttpCaller;
}

type Call = (spec: CallSpec) => Promise<ToolResult>;

let target: LoadTarget | undefined;
/** Loops making calls; for stdio they share one client (one pipe), for HTTP each has its own session. */
let loops: Call[] = [];
let sessions: Session[] = [];

function send(message: FromWorker): void {
  process.send!(message);
}

const sdkCall =
  (client: Client | ModernClient): Call =>
  (spec) =>
    client.callTool({ name: spec.name, arguments: spec.arguments }) as Promise<ToolResult>;

/**
 * A modern session: nothing to open on the wire for raw calls (each request stands alone); for 'sdk' the SDK 2.x
 * client pinned to 2026-07-28, which sends server/discover once and then calls.
 */
async function openModern(url: string, loadgen: LoadGen, headers?: Record<string, string>): Promise<Session> {
  if (loadgen === 'raw') return { raw: new RawHttpCaller(url, undefined, MODERN_PROTOCOL_VERSION, headers) };
  const modern = new ModernClient(
    { name: 'mcp-gateway-bench', version: '1.0.0' },
    { capabilities: {}, versionNegotiation: { mode: { pin: MODERN_PROTOCOL_VERSION } } },
  );
  await modern.connect(new ModernHttpTransport(new URL(url), { requestInit: { headers } }));
  return { modern };
}

async function open(to: LoadTarget, count: number, loadgen: LoadGen): Promise<number[]> {
  target = to;
  const connect = async (): Promise<Session> => {
    const client = new Client({ name: 'mcp-gateway-bench', version: '1.0.0' }, { capabilities: {} });
    if (to.kind === 'stdio') {
      const transport = new StdioClientTransport({ command: to.command, args: to.args, stderr: 'ignore' });
      await client.connect(transport);
      return { client, transport };
    }
    if (to.era === 'modern') return openModern(to.url, loadgen, to.headers);
    const transport = new StreamableHTTPClientTransport(new URL(to.url), { requestInit: { headers: to.headers } });
    await client.connect(transport);
    // The session id (none from a stateless server) and the protocol version the handshake settled on.
    const raw =
      loadgen === 'raw'
        ? new RawHttpCaller(to.url, transport.sessionId, transport.protocolVersion, to.headers)
        : undefined;
    return { client, transport, raw };
  };
  if (to.kind === 'stdio') {
    sessions = [await connect()];
    loops = Array.from({ length: count }, () => sdkCall(sessions[0].client!));
    const pid = (sessions[0].transport as StdioClientTransport).pid;
    return pid ? [pid] : [];
  }
  sessions = await Promise.all(Array.from({ length: count }, connect));
  loops = sessions.map(({ client, modern, raw }) => (raw ? (spec) => raw.call(spec) : sdkCall((modern ?? client)!)));
  return [];
}

function check(spec: CallSpec, result: ToolResult): void {
  const content = result.content;
  const text = content?.[0]?.type === 'text' ? content[0].text : undefined;
  if (result.isError) throw new Error(`${spec.name} answered a tool error: ${text ?? JSON.stringify(result)}`);
  if (spec.expectText !== undefined && text !== spec.expectText) {
    throw new Error(`${spec.name} answered ${JSON.stringify(text)}, expected ${JSON.stringify(spec.expectText)}`);
  }
}

/** `total` calls shared by every loop, or calls until `deadline` (performance.now()); each call's latency in ms. */
async function drive(total: number, deadline = Infinity): Promise<number[]> {
  const specs = target!.calls;
  const latencies: number[] = [];
  let next = 0;
  await Promise.all(
    loops.map(async (call) => {
      while (next < total && performance.now() < deadline) {
        const spec = specs[next++ % specs.length];
        const started = performance.now();
        const result = await call(spec);
        latencies.push(performance.now() - started);
        check(spec, result);
      }
    }),
  );
  return latencies;
}

async function close(): Promise<void> {
  await Promise.all(
    sessions.map(async ({ client, transport, modern, raw }) => {
      raw?.close();
      if (transport instanceof StreamableHTTPClientTransport) await transport.terminateSession().catch(() => undefined);
      await client?.close();
      await modern?.close();
    }),
  );
  sessions = [];
  loops = [];
}

async function handle(message: ToWorker): Promise<FromWorker> {
  switch (message.op) {
    case 'open':
      return { op: 'opened', pids: await open(message.target, message.sessions, message.loadgen) };
    case 'warm':
      await drive(message.calls);
      return { op: 'warmed' };
    case 'run': {
      const started = performance.now();
      const latenciesMs = await drive(message.calls ?? Infinity, started + (message.durationMs ?? Infinity));
      return { op: 'done', latenciesMs, elapsedMs: performance.now() - started };
    }
    case 'close':
      await close();
      return { op: 'closed' };
  }
}

process.on('message', (message: ToWorker) => {
  handle(message).then(send, (error: unknown) =>
    send({ op: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
  );
});
process.on('disconnect', () => {
  void close().finally(() => process.exit(0));
});
