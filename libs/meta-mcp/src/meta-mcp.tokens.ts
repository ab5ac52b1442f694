import type { EventStore } from '@modelcontextprotocol/sdk/server/streamableHttp.js';

/** The SSE events of one MCP session, for replay after a client reconnects with Last-Event-ID. */
export interface SessionEvents extends EventStore {
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
