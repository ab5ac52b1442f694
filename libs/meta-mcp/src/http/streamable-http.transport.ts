import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Transport, TransportSendOptions } from '@modelcontextprotocol/sdk/shared/transport.js';
import {
  DEFAULT_NEGOTIATED_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type MessageExtraInfo,
  type RequestId,
} from '@modelcontextprotocol/sdk/types.js';
import type { Replay, ReplayableEvent, SessionEvents } from '../meta-mcp.tokens.js';
import { JsonRpcCode, sendJsonRpcError } from './json-rpc-reply.js';
import { jsonRpcKind } from '@gateway/backends';

const STANDALONE = '_GET_stream';
/** Requests whose effect outlives them: a replica that rebuilds the session replays them. */
const SESSION_STATE_METHODS = new Set(['logging/setLevel', 'resources/subscribe', 'resources/unsubscribe']);
/**
 * A response ready this soon after its request, with nothing sent before it, goes back as one JSON body (the spec
 * lets the server choose per request); a request that takes longer gets an SSE stream, primed with an event id.
 */
const STREAM_AFTER_MS = 10;
const KEEP_ALIVE_MS = 15_000;
const STREAM_BUFFER = 1024 ** 2;
/** Messages for the GET stream held until the session's first GET (clients open it after initialize). */
const MAX_HELD = 256;
/** Server requests whose answers may come through another replica, remembered at most. */
const MAX_AWAITING = 1024;
/** Older clients cannot parse the empty `data:` of a priming event. */
const PRIMING_SINCE = '2025-11-25';

export interface StreamableHttpTransportOptions {
  sessionId: string;
  /** Where sent events are kept for Last-Event-ID replay; without it nothing is replayable. */
  events?: SessionEvents;
  onsessioninitialized?: (sessionId: string, initialize: JSONRPCRequest) => void;
  /** Told of each request that changes what the session is (logging level, subscriptions), for a shared store. */
  onsessionchange?: (request: JSONRPCRequest) => void;
  onsessionclosed?: (sessionId: string) => void;
  streamAfterMs?: number;
  keepAliveMs?: number;
  /**
   * Bytes a stream may have queued for a client that does not read (`server.stream_buffer`); a write beyond it closes
   * the stream instead of queueing more. The client resumes with Last-Event-ID. Default: 1 MiB.
   */
  streamBuffer?: number;
  /** Told when a stream is closed because its client fell behind. */
  onstreamcut?: (queuedBytes: number) => void;
  /** With several replicas: how messages reach the replica holding the GET stream, or awaiting a response. */
  relay?: SessionRelay;
}

/** Passes a session's messages to the other replicas serving it (Redis pub/sub). */
export interface SessionRelay {
  /** A message for the client while this replica has no GET stream of the session open (already stored as eventId). */
  toClient(json: string, eventId: string | undefined): void;
  /** The client's answer to a server request that this replica did not send. */
  toServer(json: string): void;
}

/** The HTTP response of one POSTed request, or a replay that took its place. */
interface RequestStream {
  readonly id: string;
  readonly requestId: RequestId;
  res?: ServerResponse;
  /** SSE headers sent. */
  open: boolean;
  /** Prime with an event id when the stream opens, and let handlers close it early (SEP-1699 polling). */
  readonly resumable: boolean;
  timer?: NodeJS.Timeout;
}

interface StandaloneStream {
  res: ServerResponse;
  timer: NodeJS.Timeout;
}

/**
 * A Streamable HTTP server transport on Node's own request and response objects, for one session. It does what the
 * SDK's transport does (one SSE stream per request carrying that request's notifications, server requests and
 * response; a GET stream for the rest; Last-Event-ID replay; DELETE) without converting every request to a web
 * Request and every response to a ReadableStream, and a quick answer is a single write. The controller has already
 * validated the HTTP request (Accept, Content-Type, body, one JSON-RPC message) and found the session.
 */
export class StreamableHttpTransport implements Transport {
  onmessage?: (message: JSONRPCMessage, extra?: MessageExtraInfo) => void;
  onclose?: () => void;
  onerror?: (error: Error) => void;

  readonly sessionId: string;
  private readonly events?: SessionEvents;
  private readonly jsonHeaders: OutgoingHttpHeaders;
  private readonly sseHeaders: OutgoingHttpHeaders;
  private readonly byRequest = new Map<RequestId, RequestStream>();
  private standalone?: StandaloneStream;
  private held: string[] | undefined = [];
  private nextStream = 1;
  private initialized = false;
  private closed = false;
  private readonly closeStandalone = () => this.closeStandaloneSSEStream();
  private readonly streamBuffer: number;
  /** Requests replayed by restore(): their responses go nowhere. */
  private readonly restoring = new Map<RequestId, () => void>();
  /** Ids of the requests this replica sent the client and awaits answers to (others came from another replica). */
  private readonly awaiting = new Set<RequestId>();
  private applied = 0;

  constructor(private readonly options: StreamableHttpTransportOptions) {
    this.sessionId = options.sessionId;
    this.events = options.events;
    this.streamBuffer = options.streamBuffer ?? STREAM_BUFFER;
    this.jsonHeaders = { 'content-type': 'application/json', 'mcp-session-id': this.sessionId };
    this.sseHeaders = {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'mcp-session-id': this.sessionId,
    };
  }

  /** Requests of this session still waiting for their response. */
  get inFlight(): number {
    return this.byRequest.size;
  }

  /** A request in flight or a GET stream open: the client is there even if it sends nothing. */
  get busy(): boolean {
    return this.byRequest.size > 0 || (this.standalone !== undefined && live(this.standalone.res));
  }

  start(): Promise<void> {
    return Promise.resolve();
  }

  /** `body` is the parsed POST body, already checked to be one JSON-RPC message. */
  handleRequest(req: IncomingMessage, res: ServerResponse, body?: unknown): void {
    if (this.closed) return sendJsonRpcError(res, 404, JsonRpcCode.SessionNotFound, 'Session not found');
    if (req.method === 'POST') return this.handlePost(req, res, body as JSONRPCMessage);
    if (this.refuse(req, res)) return;
    if (req.method === 'GET') return this.handleGet(req, res);
    this.options.onsessionclosed?.(this.sessionId);
    res.writeHead(200).end();
    void this.close();
  }

  private handlePost(req: IncomingMessage, res: ServerResponse, message: JSONRPCMessage): void {
    const kind = jsonRpcKind(message);
    const initialize = kind === 'request' && (message as JSONRPCRequest).method === 'initialize';
    if (initialize) {
      if (this.initialized) {
        const text = 'Invalid Request: Server already initialized';
        return sendJsonRpcError(res, 400, JsonRpcCode.InvalidRequest, text, (message as JSONRPCRequest).id);
      }
      this.initialized = true;
      this.options.onsessioninitialized?.(this.sessionId, message as JSONRPCRequest);
    } else if (this.refuse(req, res)) {
      return;
    }
    const requestInfo = { headers: req.headers };
    if (kind !== 'request') {
      res.writeHead(202).end();
      if ((kind === 'result' || kind === 'error') && this.options.relay) {
        const id = (message as { id: RequestId }).id;
        if (!this.awaiting.delete(id)) return this.options.relay.toServer(JSON.stringify(message));
      }
      this.onmessage?.(message, { requestInfo });
      return;
    }
    const request = message as JSONRPCRequest;
    if (SESSION_STATE_METHODS.has(request.method)) this.options.onsessionchange?.(request);
    if (this.byRequest.has(request.id)) {
      // Its response could not be told from the first one's, and the first one's stream would never end.
      const text = `Invalid Request: a request with id ${JSON.stringify(request.id)} is already in flight in this session`;
      return sendJsonRpcError(res, 400, JsonRpcCode.InvalidRequest, text, request.id);
    }
    const asked = initialize ? request.params?.protocolVersion : headerOf(req, 'mcp-protocol-version');
    const version = typeof asked === 'string' ? asked : DEFAULT_NEGOTIATED_PROTOCOL_VERSION;
    const resumable = this.events !== undefined && version >= PRIMING_SINCE;
    const stream: RequestStream = { id: String(this.nextStream++), requestId: request.id, res, open: false, resumable };
    stream.timer = setTimeout(() => this.openStream(stream), this.options.streamAfterMs ?? STREAM_AFTER_MS);
    this.byRequest.set(request.id, stream);
    const extra: MessageExtraInfo = resumable
      ? {
          requestInfo,
          closeSSEStream: () => this.closeSSEStream(request.id),
          closeStandaloneSSEStream: this.closeStandalone,
        }
      : { requestInfo };
    this.onmessage?.(message, extra);
  }

  private handleGet(req: IncomingMessage, res: ServerResponse): void {
    const lastEventId = headerOf(req, 'last-event-id');
    if (lastEventId !== undefined && this.events) return this.replay(lastEventId, res);
    if (this.standalone && live(this.standalone.res)) {
      const text = 'Conflict: Only one SSE stream is allowed per session';
      return sendJsonRpcError(res, 409, JsonRpcCode.TransportRefused, text);
    }
    // A shared store knows what was raised for the GET stream on any replica before the session's first one.
    const first = this.events?.firstOpen?.(STANDALONE);
    if (!first) return this.openStandalone(res);
    first.then(
      (events) => this.openStandalone(res, events),
      () => this.openStandalone(res),
    );
  }

  private openStandalone(res: ServerResponse, shared?: ReplayableEvent[]): void {
    if (!live(res)) return;
    if (this.standalone && live(this.standalone.res)) {
      const text = 'Conflict: Only one SSE stream is allowed per session';
      return sendJsonRpcError(res, 409, JsonRpcCode.TransportRefused, text);
    }
    res.writeHead(200, this.sseHeaders);
    const held = shared ? shared.map(({ id, json }) => sseEvent(json, id)).join('') : (this.held?.join('') ?? '');
    this.held = undefined;
    if (held) res.write(held);
    else res.flushHeaders();
    this.attachStandalone(res);
  }

  /** Resends what a stream carried after `lastEventId`; a request stream still in flight continues on this response. */
  private replay(lastEventId: string, res: ServerResponse): void {
    const found = this.events!.after(lastEventId);
    if (found instanceof Promise) {
      found.then(
        (replay) => this.replayFound(replay, res),
        () => this.replayFound(undefined, res),
      );
      return;
    }
    this.replayFound(found, res);
  }

  private replayFound(found: Replay | undefined, res: ServerResponse): void {
    if (!live(res)) return;
    if (!found) {
      const text = 'Bad Request: no stream to resume at this event ID (unknown, or its stream has ended)';
      return sendJsonRpcError(res, 400, JsonRpcCode.TransportRefused, text);
    }
    const { streamId, events } = found;
    const request = streamId === STANDALONE ? undefined : this.streamById(streamId);
    const current = streamId === STANDALONE ? this.standalone?.res : request?.res;
    if (current && live(current)) {
      const text = 'Conflict: Stream already has an active connection';
      return sendJsonRpcError(res, 409, JsonRpcCode.TransportRefused, text);
    }
    res.writeHead(200, this.sseHeaders);
    res.write(events.map(({ id, json }) => sseEvent(json, id)).join('') || ': replay\n\n');
    if (streamId === STANDALONE) return this.attachStandalone(res);
    if (!request) return this.endDelivered(res, streamId);
    clearTimeout(request.timer);
    request.res = res;
    request.open = true;
    request.timer = setInterval(keepAlive, this.options.keepAliveMs ?? KEEP_ALIVE_MS, res);
  }

  /**
   * Makes this transport's server what it was on the replica that initialized the session: the client's initialize
   * request, its initialized notification and then the requests that changed the session are handled again, and
   * their answers dropped.
   */
  async restore(initialize: JSONRPCRequest, changes: readonly JSONRPCRequest[]): Promise<void> {
    this.initialized = true;
    await this.apply(initialize);
    this.onmessage?.({ jsonrpc: '2.0', method: 'notifications/initialized' });
    for (const change of changes) await this.apply(change);
  }

  /** Handles a request the client sent another replica (a session change, or one restore() replays), answer dropped. */
  apply(request: JSONRPCRequest): Promise<void> {
    return new Promise<void>((resolve) => {
      const id = `gateway-restore-${this.applied++}`;
      this.restoring.set(id, resolve);
      this.onmessage?.({ ...request, id });
    });
  }

  async send(message: JSONRPCMessage, options?: TransportSendOptions): Promise<void> {
    const response = 'result' in message || 'error' in message;
    const requestId = response ? (message as { id?: RequestId }).id : options?.relatedRequestId;
    const restored = requestId === undefined ? undefined : this.restoring.get(requestId);
    if (restored) {
      if (response) {
        this.restoring.delete(requestId!);
        restored();
      }
      return;
    }
    const stream = requestId === undefined ? undefined : this.byRequest.get(requestId);
    const json = JSON.stringify(message);
    if (this.options.relay && 'method' in message && 'id' in message) {
      this.awaiting.add(message.id);
      // Requests the client never answered (the server gave up on them) go, oldest first.
      if (this.awaiting.size > MAX_AWAITING) this.awaiting.delete(this.awaiting.values().next().value!);
    }
    if (!stream) {
      if (response) throw new Error(`No open stream for the response to request ${String(requestId)}`);
      // A notification or request about a request that has finished still reaches the client, on the GET stream.
      this.sendStandalone(message, json);
      return;
    }
    if (response) this.finish(stream, message, json);
    else this.write(stream, sseEvent(json, this.events?.store(stream.id, json)));
  }

  /**
   * The response ends its request's stream; one that needed no stream goes back as a plain JSON body, and is not
   * kept for replay: with no stream there is no event id to resume from.
   */
  private finish(stream: RequestStream, message: JSONRPCMessage, json: string): void {
    this.byRequest.delete(stream.requestId);
    clearTimeout(stream.timer);
    const res = stream.res;
    if (stream.open || !res || !live(res)) {
      // A stream cut by closeSSEStream() gets its response by Last-Event-ID replay.
      const eventId = this.events?.store(stream.id, json);
      if (res && live(res)) this.endDelivered(res, stream.id, sseEvent(json, eventId));
      return;
    }
    res.writeHead(200, { ...this.jsonHeaders, 'content-length': Buffer.byteLength(json) });
    res.end(json);
  }

  private write(stream: RequestStream, chunk: string): void {
    const res = stream.res;
    if (!res || !live(res)) return;
    if (!stream.open) this.openStream(stream, chunk);
    else this.sse(res, chunk);
  }

  /**
   * Writes to an open SSE stream unless its client has left more than `streamBuffer` bytes unread: then the stream
   * is cut (the events stay in the store for Last-Event-ID), so one client that stops reading costs a bounded
   * amount of memory. A single event larger than the bound still goes out whole.
   */
  private sse(res: ServerResponse, chunk: string): void {
    const queued = res.writableLength;
    if (queued > this.streamBuffer) {
      res.destroy();
      this.options.onstreamcut?.(queued);
      return;
    }
    res.write(chunk);
  }

  /**
   * Ends a request's stream with `last`; once all of it has been handed to the connection, its events are no longer
   * kept for replay. A stream cut before that keeps them for the client's Last-Event-ID.
   */
  private endDelivered(res: ServerResponse, streamId: string, last = ''): void {
    res.once('finish', () => this.events?.delivered(streamId));
    // The last event is one more at most: no need to check the backlog.
    res.end(last);
  }

  /** SSE headers, the priming event when the client can resume, then `first` (all in one write), then keep-alives. */
  private openStream(stream: RequestStream, first = ''): void {
    const res = stream.res;
    if (stream.open || !res || !live(res)) return;
    clearTimeout(stream.timer);
    stream.open = true;
    const priming = stream.resumable
      ? `id: ${this.events!.store(stream.id, undefined, stream.requestId)}\ndata: \n\n`
      : '';
    res.writeHead(200, this.sseHeaders);
    if (priming || first) res.write(priming + first);
    else res.flushHeaders();
    stream.timer = setInterval(keepAlive, this.options.keepAliveMs ?? KEEP_ALIVE_MS, res);
  }

  private sendStandalone(message: JSONRPCMessage, json: string): void {
    const eventId = this.events?.store(STANDALONE, json);
    const chunk = sseEvent(json, eventId);
    const res = this.standalone?.res;
    if (res && live(res)) return this.sse(res, chunk);
    this.options.relay?.toClient(json, eventId);
    if (this.held && this.held.length < MAX_HELD) this.held.push(chunk);
  }

  /** A message relayed by another replica: written to this replica's GET stream when it has one open. */
  deliverToClient(json: string, eventId: string | undefined): void {
    const res = this.standalone?.res;
    if (res && live(res)) this.sse(res, sseEvent(json, eventId));
  }

  /** An answer relayed by another replica: handled here when this replica sent the request. */
  deliverToServer(json: string): void {
    const message = JSON.parse(json) as JSONRPCMessage & { id: RequestId };
    if (this.awaiting.delete(message.id)) this.onmessage?.(message);
  }

  private attachStandalone(res: ServerResponse): void {
    const timer = setInterval(keepAlive, this.options.keepAliveMs ?? KEEP_ALIVE_MS, res);
    this.standalone = { res, timer };
    res.once('close', () => {
      clearInterval(timer);
      if (this.standalone?.res === res) this.standalone = undefined;
    });
  }

  /** Ends a request's stream early (the client polls it again with Last-Event-ID); the request goes on. */
  closeSSEStream(requestId: RequestId): void {
    const stream = this.byRequest.get(requestId);
    if (!stream?.res) return;
    this.openStream(stream);
    clearInterval(stream.timer);
    stream.res.end();
    stream.res = undefined;
  }

  closeStandaloneSSEStream(): void {
    this.standalone?.res.end();
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.closed = true;
    for (const stream of this.byRequest.values()) {
      clearTimeout(stream.timer);
      if (stream.res && live(stream.res)) {
        if (stream.open) stream.res.end();
        else sendJsonRpcError(stream.res, 404, JsonRpcCode.SessionNotFound, 'Session closed', stream.requestId);
      }
    }
    this.byRequest.clear();
    this.closeStandaloneSSEStream();
    this.onclose?.();
    return Promise.resolve();
  }

  private streamById(streamId: string): RequestStream | undefined {
    for (const stream of this.byRequest.values()) if (stream.id === streamId) return stream;
    return undefined;
  }

  /** After initialize, every request must name a protocol version this server speaks, or none (the default). */
  private refuse(req: IncomingMessage, res: ServerResponse): boolean {
    if (!this.initialized) {
      sendJsonRpcError(res, 400, JsonRpcCode.TransportRefused, 'Bad Request: Server not initialized');
      return true;
    }
    const version = headerOf(req, 'mcp-protocol-version');
    if (version === undefined || SUPPORTED_PROTOCOL_VERSIONS.includes(version)) return false;
    const text =
      `Bad Request: Unsupported protocol version: ${version} ` +
      `(supported versions: ${SUPPORTED_PROTOCOL_VERSIONS.join(', ')})`;
    sendJsonRpcError(res, 400, JsonRpcCode.TransportRefused, text);
    return true;
  }
}

function sseEvent(json: string, eventId: string | undefined): string {
  return eventId === undefined
    ? `event: message\ndata: ${json}\n\n`
    : `event: message\nid: ${eventId}\ndata: ${json}\n\n`;
}

function live(res: ServerResponse): boolean {
  return !res.writableEnded && !res.destroyed;
}

/** Skipped while the stream has unread data queued anyway. */
function keepAlive(res: ServerResponse): void {
  if (live(res) && res.writableLength === 0) res.write(': keepalive\n\n');
}

function headerOf(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}
