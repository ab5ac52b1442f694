/** A message kept for replay, as the JSON it was sent as, under the SSE event id it was sent with. */
export interface ReplayableEvent {
  readonly id: string;
  readonly json: string;
}

/** The SSE events of one MCP session, for replay after a client reconnects with Last-Event-ID. */
export interface SessionEvents {
  /**
   * Keeps a message sent on a stream, as its JSON text (none: the priming event that only hands the client an id),
   * and returns its event id. Synchronous, so that events keep the order they were sent in.
   */
  store(streamId: string, json: string | undefined): string;
  /** The stream an event id of this session names, and the messages sent on it after that event; else undefined. */
  after(eventId: string): { streamId: string; events: ReplayableEvent[] } | undefined;
  /** Forgets a stream's events: its response reached the client whole, so nobody will ask for them again. */
  delivered(streamId: string): void;
  /** Forgets every event of the session; called when the session closes. */
  close(): void;
}

/**
 * Where MCP sessions keep their SSE events. Stream ids repeat across sessions (every standalone GET stream is
 * `_GET_stream`), so each session gets its own scope. Bound to an in-memory store; a shared store can replace it.
 */
export interface SessionEventStore {
  openSession(): SessionEvents;
}
export const SessionEventStore = Symbol('SessionEventStore');

/** A SessionEventStore the host chose (GatewayModule's `eventStore` option); the in-memory store otherwise. */
export const CUSTOM_SESSION_EVENT_STORE = Symbol('CUSTOM_SESSION_EVENT_STORE');
