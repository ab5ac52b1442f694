// MCP-level helpers over the in-process gateway of gateway-app.ts: start it and wait until named backends are ready
// (via GET /health, as an operator would), connect SDK clients to it, and end exactly the backend processes it ran.
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import { BackendRegistry } from '@gateway/backends';
import type { GatewayHealth } from '@gateway/health';
import { startTestGateway as startGatewayApp, type RunningGateway } from './gateway-app.js';
import { isAlive, killPid, waitFor } from './processes.js';

export type { RunningGateway } from './gateway-app.js';

export interface TestGatewayOptions {
  /** Backends that must be `ready` on GET /health before this resolves. Default: none. */
  ready?: string[];
  /** Also wait until each of `ready` has a cached tool list (`tools_cached > 0`). Default true. */
  withTools?: boolean;
  /** How long to wait for `ready`. Default 20 s. */
  timeoutMs?: number;
  /** Headers for the GET /health readiness polls (credentials, when the config has `auth`). */
  headers?: Record<string, string>;
}

export interface TestGateway extends RunningGateway {
  /** Pids of the stdio backend processes running now (for leak checks after close). */
  backendPids(): number[];
}

/**
 * Starts the real gateway with `tree` as its config (on 127.0.0.1:0, logging silent; see gateway-app.ts) and waits
 * for the backends named in `options.ready`. On a timeout the gateway is closed before the error is thrown.
 */
export async function startTestGateway(
  tree: Record<string, unknown>,
  options: TestGatewayOptions = {},
): Promise<TestGateway> {
  const gateway = await startGatewayApp(tree);
  const registry = gateway.app.get(BackendRegistry);
  const result: TestGateway = Object.assign(gateway, {
    backendPids: () => registry.list().flatMap((backend) => (backend.pid ? [backend.pid] : [])),
  });
  const names = options.ready ?? [];
  if (names.length === 0) return result;
  const withTools = options.withTools ?? true;
  try {
    await waitFor(
      async () => {
        const { body } = await gateway.get('/health', options.headers);
        const backends = (body as GatewayHealth).backends ?? {};
        return names.every((name) => {
          const backend = backends[name];
          return backend?.state === 'ready' && (!withTools || backend.tools_cached > 0);
        });
      },
      { timeoutMs: options.timeoutMs ?? 20_000, intervalMs: 100, description: `backends ready: ${names.join(', ')}` },
    );
  } catch (error) {
    await gateway.close();
    throw error;
  }
  return result;
}

/**
 * Closes the gateway, then checks that every backend pid seen before closing is gone; a survivor is SIGKILLed
 * (it was ours) and reported in the returned list so the test can fail on it.
 */
export async function closeAndReap(gateway: TestGateway): Promise<number[]> {
  const pids = gateway.backendPids();
  await gateway.close();
  const survivors = pids.filter((pid) => isAlive(pid));
  for (const pid of survivors) killPid(pid);
  return survivors;
}

/**
 * An SDK Client connected over Streamable HTTP to `url` (e.g. `${baseUrl}/mcp`), declaring `capabilities`
 * (none by default, like the gateway's own backend clients).
 */
export async function connectClient(url: string, capabilities: ClientCapabilities = {}): Promise<Client> {
  const client = new Client({ name: 'gateway-e2e', version: '1.0.0' }, { capabilities });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  return client;
}

/** The Streamable HTTP transport of a client made by connectClient (session id, terminateSession). */
export function httpTransportOf(client: Client): StreamableHTTPClientTransport {
  const transport = client.transport;
  if (!(transport instanceof StreamableHTTPClientTransport)) throw new Error('client is not on Streamable HTTP');
  return transport;
}

export interface RawReply {
  status: number;
  /** The parsed JSON body (undefined when the body is not JSON, e.g. an SSE stream). */
  body: { jsonrpc?: string; id?: unknown; error?: { code: number; message: string }; result?: unknown } | undefined;
}

/** POSTs `message` (any JSON, batches included) as a Streamable HTTP client would, bypassing the SDK. */
export async function postJsonRpc(
  url: string,
  message: unknown,
  headers: Record<string, string> = {},
): Promise<RawReply> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
    body: JSON.stringify(message),
  });
  const text = await response.text();
  let body: RawReply['body'];
  try {
    body = JSON.parse(text) as RawReply['body'];
  } catch {
    body = undefined;
  }
  return { status: response.status, body };
}

/** A minimal initialize request, for raw POSTs. */
export function initializeMessage(id: number | string = 1): Record<string, unknown> {
  return {
    jsonrpc: '2.0',
    id,
    method: 'initialize',
    params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-fetch', version: '1.0.0' } },
  };
}
