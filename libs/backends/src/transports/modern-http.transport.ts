import type http from 'node:http';
import type { IncomingMessage } from 'node:http';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mediaTypeEssence } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { createParser } from 'eventsource-parser';
import { MODERN_PROTOCOL_VERSION, PROTOCOL_VERSION_META_KEY } from '../era/modern-protocol.js';
import { keepAliveAgent, readBody, sendHttp } from './http-request.js';
import { jsonRpcKind, sseMessage } from './json-rpc-message.js';

/** The body field the `Mcp-Name` header mirrors, per method (the 2026-07-28 Streamable HTTP rules). */
const MCP_NAME_SOURCE: Readonly<Record<string, string>> = {
  'tools/call': 'name',
  'prompts/get': 'name',
  'resources/read': 'uri',
  'tasks/get': 'taskId',
  'tasks/update': 'taskId',
  'tasks/cancel': 'taskId',
};

/**
 * Streamable HTTP for a modern (2026-07-28) backend: no session, so every request is its own POST on one keep-alive
 * pool shared by every client, with `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` taken from the message. The
 * answer is JSON or an SSE stream (progress, then the result; for `subscriptions/listen` the notifications until it
 * is cancelled). Cancelling a request ends its HTTP exchange, which is how a stateless server learns of it. A refusal
 * with a JSON-RPC error for the request is delivered as that error; any other refusal is a StreamableHTTPError, which
 * the backend reads as "this server is not (or no longer) modern".
 */
export class ModernHttpTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private readonly agent: http.Agent;
  private readonly inFlight = new Set<http.ClientRequest>();
  /** Exchanges by the id of the request they carry, so a cancellation can end the right one. */
  private readonly exchanges = new Map<RequestId, { req?: http.ClientRequest; res?: IncomingMessage }>();
  private closed = false;

  constructor(
    private readonly url: URL,
    private readonly options: { headers?: Record<string, string>; name?: string } = {},
  ) {
    this.agent = keepAliveAgent(url);
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!('method' in message)) return; // A modern server sends no requests, so there is nothing to answer.
    if (!('id' in message)) {
      // A stateless server cannot match a cancellation to another exchange: ending that exchange tells it.
      if (message.method === 'notifications/cancelled') this.cancel(message.params?.requestId as RequestId);
      return;
    }
    const id = message.id;
    const exchange: { req?: http.ClientRequest; res?: IncomingMessage } = {};
    this.exchanges.set(id, exchange);
    try {
      const res = await sendHttp(
        this.url,
        { method: 'POST', headers: this.headersFor(message), body: JSON.stringify(message), agent: this.agent },
        this.trackInto(exchange),
      );
      exchange.res = res;
      if (!this.exchanges.has(id)) {
        res.destroy();
        return;
      }
      const status = res.statusCode ?? 0;
      const type = mediaTypeEssence(res.headers['content-type']);
      if (status < 200 || status >= 300) {
        const text = await readBody(res).catch(() => '');
        this.exchanges.delete(id);
        if (type === 'application/json' && this.deliverErrorFor(id, text)) return;
        throw new StreamableHTTPError(status, `Error POSTing to endpoint: ${text.slice(0, 500)}`);
      }
      if (type === 'text/event-stream') return this.readEvents(res, id);
      this.exchanges.delete(id);
      if (type === 'application/json') {
        const data = JSON.parse(await readBody(res)) as unknown;
        for (const item of Array.isArray(data) ? data : [data]) this.deliver(item);
        return;
      }
      res.resume();
      throw new StreamableHTTPError(-1, `Unexpected content type: ${res.headers['content-type']}`);
    } catch (error) {
      this.exchanges.delete(id);
      this.onerror?.(error as Error);
      throw error;
    }
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const req of this.inFlight) req.destroy();
    for (const { res } of this.exchanges.values()) res?.destroy();
    this.exchanges.clear();
    this.agent.destroy();
    this.onclose?.();
    return Promise.resolve();
  }

  private headersFor(message: JSONRPCMessage & { method: string; params?: Record<string, unknown> }) {
    const meta = message.params?._meta as Record<string, unknown> | undefined;
    const version = meta?.[PROTOCOL_VERSION_META_KEY];
    const headers: Record<string, string> = {
      ...this.options.headers,
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      'mcp-protocol-version': typeof version === 'string' ? version : MODERN_PROTOCOL_VERSION,
      'mcp-method': message.method,
    };
    const field = Object.hasOwn(MCP_NAME_SOURCE, message.method) ? MCP_NAME_SOURCE[message.method] : undefined;
    const name = field ? message.params?.[field] : undefined;
    if (typeof name === 'string') headers['mcp-name'] = encodeHeaderValue(name);
    return headers;
  }

  private trackInto(exchange: { req?: http.ClientRequest }): Set<http.ClientRequest> {
    const inFlight = this.inFlight;
    return {
      add: (req: http.ClientRequest) => {
        exchange.req = req;
        return inFlight.add(req);
      },
      delete: (req: http.ClientRequest) => inFlight.delete(req),
    } as Set<http.ClientRequest>;
  }

  private cancel(id: RequestId | undefined): void {
    if (id === undefined) return;
    const exchange = this.exchanges.get(id);
    this.exchanges.delete(id);
    exchange?.req?.destroy();
    exchange?.res?.destroy();
  }

  private readEvents(res: IncomingMessage, id: RequestId): void {
    let answered = false;
    const parser = createParser({
      onEvent: (event) => {
        const message = sseMessage(event, (error) => this.onerror?.(error));
        if (message === undefined) return;
        const kind = this.deliver(message);
        if ((kind === 'result' || kind === 'error') && (message as { id?: RequestId }).id === id) answered = true;
      },
    });
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => parser.feed(chunk));
    const finish = (error?: Error) => {
      const cancelled = !this.exchanges.has(id);
      this.exchanges.delete(id);
      if (answered || cancelled || this.closed) return;
      const how = error ? `was cut (${error.message})` : 'ended';
      this.failRequest(id, `its SSE stream ${how} before the answer`);
    };
    res.once('end', () => finish());
    res.once('error', (error) => finish(error));
    res.once('close', () => finish(res.complete ? undefined : new Error('connection closed')));
  }

  /** A JSON-RPC error the server refused this request with (-32022, -32020, -32602 ...), delivered as its answer. */
  private deliverErrorFor(id: RequestId, text: string): boolean {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return false;
    }
    const message = body as { id?: RequestId; error?: unknown };
    if (jsonRpcKind(body) !== 'error' || message.id !== id) return false;
    this.onmessage?.(body as JSONRPCMessage);
    return true;
  }

  private failRequest(id: RequestId, reason: string): void {
    const backend = this.options.name ? `backend "${this.options.name}"` : 'backend';
    const message = `${backend} connection lost: ${reason}`;
    this.onmessage?.({ jsonrpc: '2.0', id, error: { code: ErrorCode.ConnectionClosed, message } });
  }

  private deliver(value: unknown): ReturnType<typeof jsonRpcKind> {
    const kind = jsonRpcKind(value);
    if (!kind) {
      this.onerror?.(
        new Error(`backend sent JSON that is not a JSON-RPC message: ${JSON.stringify(value).slice(0, 200)}`),
      );
      return undefined;
    }
    this.onmessage?.(value as JSONRPCMessage);
    return kind;
  }
}

/** Header values are ASCII without surrounding space; anything else travels base64 in the spec's `=?base64?...?=`. */
export function encodeHeaderValue(value: string): string {
  const plain = value.length > 0 && value === value.trim() && /^[\t\x20-\x7e]*$/.test(value);
  if (plain && !(value.startsWith('=?base64?') && value.endsWith('?='))) return value;
  return `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`;
}
