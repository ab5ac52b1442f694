import type { JSONRPCRequest, RequestId } from '@modelcontextprotocol/sdk/types.js';

/** A message kept for replay, as the JSON it was sent as, under the SSE event id it was sent with. */
export interface ReplayableEvent {
  readonly id: string;
  readonly json: string;
}

export interface Replay {
  readonly streamId: string;
  readonly events: ReplayableEvent[];
}

/** The SSE events of one MCP session, for replay after a client reconnects with Last-Event-ID. */
export interface SessionEvents {
  /**
   * Keeps a message sent on a stream, as its JSON text (none: the priming event that only hands the client an id),
   * and returns its event id. Synchronous, so that events keep the order they were sent in. `requestId`: with the
   * priming event of a request's stream, the request it answers (a shared store answers it if this replica dies).
   */
  store(streamId: string, json: string | undefined, requestId?: RequestId): string;
  /**
   * The stream an event id of this session names, and the messages sent on it after that event; else undefined.
   * A shared store answers from another replica's events asynchronously.
   */
  after(eventId: string): Replay | undefined | Promise<Replay | undefined>;
  /** Forgets a stream's events: its response reached the client whole, so nobody will ask for them again. */
  delivered(streamId: string): void;
  /** Forgets every event of the session; called when the session closes. */
  close(): void;
  /**
   * A shared store: what a GET stream opened without Last-Event-ID starts with. The messages raised for the stream
   * `streamId` before the session's first GET stream on any replica, if this is that first one; else none.
   * Undefined (or a promise of it) when the store cannot tell: the transport sends what it held itself.
   */
  firstOpen?(streamId: string): Promise<ReplayableEvent[] | undefined>;
}

/**
 * Where MCP sessions keep their SSE events. Stream ids repeat across sessions (every standalone GET stream is
 * `_GET_stream`), so each session gets its own scope. Bound to an in-memory store; a shared store can replace it.
 */
export interface SessionEventStore {
  /** `sessionId`: a shared store keys the session's events by it, so that any replica finds them. */
  openSession(sessionId?: string): SessionEvents;
}
export const SessionEventStore = Symbol('SessionEventStore');

/** A SessionEventStore the host chose (GatewayModule's `eventStore` option); the in-memory store otherwise. */
export const CUSTOM_SESSION_EVENT_STORE = Symbol('CUSTOM_SESSION_EVENT_STORE');

/** What another replica needs to rebuild a session: its route, owner, initialize request and state changes (in order). */
export interface SharedSessionRecord {
  readonly route: string;
  readonly owner?: string;
  readonly initialize: JSONRPCRequest;
  readonly changes: JSONRPCRequest[];
}

/**
 * Sessions shared by the replicas of one gateway (`store.redis`); null when there is one process. Writes never
 * make a request wait; load() waits at most the store's timeout.
 */
export interface SharedSessions {
  save(id: string, record: SharedSessionRecord): void;
  /** A request that changed the session (logging level, subscriptions), appended to the record's `changes`. */
  change(id: string, request: JSONRPCRequest): void;
  load(id: string): Promise<Record<string, unknown> | undefined>;
  touch(id: string): void;
  forget(id: string): void;
  remove(id: string): void;
  onRemoved(listener: (id: string) => void): void;
  /** Told of each change (logging level, subscriptions) made to a session on another replica. */
  onChanged(listener: (id: string, request: JSONRPCRequest) => void): void;
  /** Sends a session's message to every replica. */
  relay(id: string, message: SessionRelayMessage): void;
  onRelay(listener: (id: string, message: SessionRelayMessage) => void): void;
}

/** A message for the client (to the replica holding the GET stream) or for the server (to the one awaiting it). */
export interface SessionRelayMessage {
  readonly to: 'client' | 'server';
  readonly json: string;
  readonly eventId?: string;
}
export const SharedSessions = Symbol('SharedSessions');
