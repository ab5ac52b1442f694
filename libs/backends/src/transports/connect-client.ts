import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * Connects `client` over `transport` (the MCP initialize handshake, bounded by `timeoutMs`, ended early by
 * `signal`). On failure the transport is closed, so a spawned process ends, and the error is rethrown.
 */
export async function connectClient(
  client: Client,
  transport: Transport,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<void> {
  try {
    await client.connect(transport, { timeout: timeoutMs, signal });
  } catch (error) {
    await transport.close().catch(() => undefined);
    throw error;
  }
  deliverResponsesLast(transport);
}

/**
 * The SDK runs a notification's handler a microtask after it arrives but settles a response at once, which drops
 * the request's progress handler. A progress notification read together with its response (one stdout chunk, one
 * SSE read) would then be lost. Handing each response over a microtask later keeps the order the backend sent.
 */
function deliverResponsesLast(transport: Transport): void {
  const deliver = transport.onmessage;
  if (!deliver) return;
  transport.onmessage = (message: JSONRPCMessage, extra) => {
    if ('id' in message && ('result' in message || 'error' in message)) queueMicrotask(() => deliver(message, extra));
    else deliver(message, extra);
  };
}
