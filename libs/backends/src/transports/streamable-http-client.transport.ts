import type http from 'node:http';
import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { mediaTypeEssence } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import { ErrorCode, type JSONRPCMessage, type RequestId } from '@modelcontextprotocol/sdk/types.js';
import { createParser } from 'eventsource-parser';
import { keepAliveAgent, readBody, sendHttp } from './http-request.js';
import { jsonRpcKind, sseMessage } from './json-rpc-message.js';

export interface StreamReconnection {
  initialDelayMs: number;
  maxDelayMs: number;
  growFactor: number;
  maxRetries: number;
}

const noop = () => undefined;

/** The SDK client's defaults. */
const RECONNECTION: StreamReconnection = { initialDelayMs: 1000, maxDelayMs: 30_000, growFactor: 1.5, maxRetries: 2 };

interface StreamOptions {
  /** The GET stream is always resumed when it ends; a POST stream only once it has handed out an event id. */
  reconnectable: boolean;
  lastEventId?: string;
  onresumptiontoken?: (token: string) => void;
  /** A resumed request's response carries this id (the one the SDK knows the request by). */
  replayMessageId?: RequestId;
  /** The request this stream answers (a POST's, or the one a resumption replays); none for the GET stream. */
  requestId?: RequestId;
}

/**
 * The client side of Streamable HTTP for backends, on node:http with a keep-alive agent, doing what the SDK's
 * StreamableHTTPClientTransport does (session id, protocol version header, JSON or SSE answers, the GET stream once
 * initialized, resumption with Last-Event-ID and backoff, DELETE to end the session) without fetch and web streams
 * (the SDK's own SSE parser, eventsource-parser, fed with text as it arrives),
 * which cost more CPU per proxied call than everything else the gateway does. Errors are the SDK's
 * StreamableHTTPError, so session expiry and the SSE fallback are recognized as before.
 */
export class StreamableHttpClientTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  private _sessionId?: string;
  private _protocolVersion?: string;
  private readonly agent: http.Agent;
  private readonly inFlight = new Set<http.ClientRequest>();
  private readonly streams = new Set<IncomingMessage>();
  private reconnectTimer?: NodeJS.Timeout;
  private serverRetryMs?: number;
  private closed = false;

  constructor(
    private readonly url: URL,
    private readonly options: {
      headers?: Record<string, string>;
      reconnection?: StreamReconnection;
      /** The backend's name, for errors a client reads. */
      name?: string;
    } = {},
  ) {
    this.agent = keepAliveAgent(url);
  }

  get sessionId(): string | undefined {
    return this._sessionId;
  }

  get protocolVersion(): string | undefined {
    return this._protocolVersion;
  }

  setProtocolVersion(version: string): void {
    this._protocolVersion = version;
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    try {
      if (options?.resumptionToken) {
        const replayMessageId = 'method' in message && 'id' in message ? message.id : undefined;
        // openStream reports its own failures to onerror; a refused GET must not become an unhandled rejection.
        this.openStream({
          reconnectable: true,
          lastEventId: options.resumptionToken,
          replayMessageId,
          requestId: replayMessageId,
        }).catch(noop);
        return;
      }
      const res = await sendHttp(
        this.url,
        {
          method: 'POST',
          headers: this.headers({ 'content-type': 'application/json', accept: 'application/json, text/event-stream' }),
          body: JSON.stringify(message),
          agent: this.agent,
        },
        this.inFlight,
      );
      const sessionId = res.headers['mcp-session-id'];
      if (typeof sessionId === 'string' && sessionId) this._sessionId = sessionId;
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        const text = await readBody(res).catch(() => '');
        throw new StreamableHTTPError(status, `Error POSTing to endpoint: ${text}`);
      }
      if (status === 202 || !('method' in message && 'id' in message)) {
        res.resume();
        if ('method' in message && message.method === 'notifications/initialized') {
          this.openStream({ reconnectable: true }).catch(noop);
        }
        return;
      }
      const type = mediaTypeEssence(res.headers['content-type']);
      if (type === 'text/event-stream') {
        this.readEvents(res, {
          reconnectable: false,
          onresumptiontoken: options?.onresumptiontoken,
          requestId: 'id' in message ? message.id : undefined,
        });
      } else if (type === 'application/json') {
        const data = JSON.parse(await readBody(res)) as unknown;
        for (const item of Array.isArray(data) ? data : [data]) this.deliver(item);
      } else {
        res.resume();
        throw new StreamableHTTPError(-1, `Unexpected content type: ${res.headers['content-type']}`);
      }
    } catch (error) {
      this.onerror?.(error as Error);
      throw error;
    }
  }

  /** Ends the backend session (DELETE); a server that does not allow that answers 405, which is fine. */
  async terminateSession(): Promise<void> {
    if (!this._sessionId) return;
    const res = await sendHttp(
      this.url,
      { method: 'DELETE', headers: this.headers({}), agent: this.agent },
      this.inFlight,
    );
    res.resume();
    const status = res.statusCode ?? 0;
    if ((status < 200 || status >= 300) && status !== 405) {
      throw new StreamableHTTPError(status, `Failed to terminate session: ${res.statusMessage}`);
    }
    this._sessionId = undefined;
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    for (const req of this.inFlight) req.destroy();
    for (const res of this.streams) res.destroy();
    this.agent.destroy();
    this.onclose?.();
    return Promise.resolve();
  }

  private headers(extra: OutgoingHttpHeaders): OutgoingHttpHeaders {
    const headers: OutgoingHttpHeaders = {};
    if (this._sessionId) headers['mcp-session-id'] = this._sessionId;
    if (this._protocolVersion) headers['mcp-protocol-version'] = this._protocolVersion;
    return { ...headers, ...this.options.headers, ...extra };
  }

  /** The GET stream (server-to-client messages), or the resumption of a POST stream after Last-Event-ID. */
  private async openStream(options: StreamOptions): Promise<void> {
    try {
      const accept = { accept: 'text/event-stream' };
      const headers = this.headers(options.lastEventId ? { ...accept, 'last-event-id': options.lastEventId } : accept);
      const res = await sendHttp(this.url, { method: 'GET', headers, agent: this.agent }, this.inFlight);
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        res.resume();
        if (status === 405) {
          // The server offers no GET stream, so a request waiting for a resumption never gets its answer.
          this.failRequest(options.requestId, 'its SSE stream broke off and the server does not allow resuming it');
          return;
        }
        throw new StreamableHTTPError(status, `Failed to open SSE stream: ${res.statusMessage}`);
      }
      this.readEvents(res, options);
    } catch (error) {
      this.onerror?.(error as Error);
      throw error;
    }
  }

  private readEvents(res: IncomingMessage, options: StreamOptions): void {
    let lastEventId: string | undefined;
    let answered = false;
    const parser = createParser({
      onEvent: (event) => {
        if (event.id !== undefined) {
          lastEventId = event.id;
          options.onresumptiontoken?.(event.id);
        }
        const message = sseMessage(event, (error) => this.onerror?.(error));
        if (message === undefined) return;
        const kind = this.deliver(message, options.replayMessageId);
        if (kind === 'result' || kind === 'error') answered = true;
      },
      onRetry: (ms) => (this.serverRetryMs = ms),
    });
    this.streams.add(res);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => parser.feed(chunk));
    const finish = (error?: Error) => {
      if (!this.streams.delete(res)) return;
      if (error && !this.closed) this.onerror?.(new Error(`SSE stream disconnected: ${error.message}`));
      if (answered || this.closed) return;
      const resumable = options.reconnectable || lastEventId !== undefined;
      if (resumable) {
        this.scheduleReconnect({ ...options, reconnectable: true, lastEventId: lastEventId ?? options.lastEventId }, 0);
      } else {
        // Nothing to resume from: the answer will never come, so the request fails now (as for a cut JSON body)
        // rather than when its timeout expires.
        const how = error ? `was cut (${error.message})` : 'ended';
        this.failRequest(options.requestId, `its SSE stream ${how} before the answer`);
      }
    };
    res.once('end', () => finish());
    res.once('error', (error) => finish(error));
    res.once('close', () => finish(res.complete ? undefined : new Error('connection closed')));
  }

  private scheduleReconnect(options: StreamOptions, attempt: number): void {
    const policy = this.options.reconnection ?? RECONNECTION;
    if (attempt >= policy.maxRetries) {
      this.onerror?.(new Error(`Maximum reconnection attempts (${policy.maxRetries}) exceeded.`));
      this.failRequest(
        options.requestId,
        `its SSE stream broke off and ${policy.maxRetries} attempts to resume it failed`,
      );
      return;
    }
    const delay =
      this.serverRetryMs ?? Math.min(policy.initialDelayMs * policy.growFactor ** attempt, policy.maxDelayMs);
    this.reconnectTimer = setTimeout(() => {
      this.openStream(options).catch(() => this.scheduleReconnect(options, attempt + 1));
    }, delay);
  }

  /** Answers a request whose response can no longer arrive with a connection error, so it fails at once. */
  private failRequest(id: RequestId | undefined, reason: string): void {
    if (id === undefined || this.closed) return;
    const backend = this.options.name ? `backend "${this.options.name}"` : 'backend';
    const message = `${backend} connection lost: ${reason}`;
    this.onmessage?.({ jsonrpc: '2.0', id, error: { code: ErrorCode.ConnectionClosed, message } });
  }

  /** Hands a JSON-RPC message on (a replayed response under the id the SDK knows); anything else is reported. */
  private deliver(value: unknown, replayMessageId?: RequestId): ReturnType<typeof jsonRpcKind> {
    const kind = jsonRpcKind(value);
    if (!kind) {
      this.onerror?.(
        new Error(`backend sent JSON that is not a JSON-RPC message: ${JSON.stringify(value).slice(0, 200)}`),
      );
      return undefined;
    }
    const message = value as JSONRPCMessage & { id?: RequestId };
    if (replayMessageId !== undefined && (kind === 'result' || kind === 'error')) message.id = replayMessageId;
    this.onmessage?.(message);
    return kind;
  }
}
