import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { EventId, StreamId } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { GatewayConfig } from '@gateway/config';
import type { SessionEventStore, SessionEvents } from '../meta-mcp.tokens.js';

interface StoredEvent {
  readonly seq: number;
  readonly id: EventId;
  readonly streamId: StreamId;
  readonly message: JSONRPCMessage;
  /** Its JSON length: what the total size bound counts. */
  readonly bytes: number;
  readonly session: SessionScope;
}

/**
 * SSE events of every session in memory, for Last-Event-ID replay. Bounded per stream, and in count and size in
 * total (the oldest event goes first); a session's events go when it closes. Event ids are `<session scope>.<seq>.<stream id>`: the
 * random scope keeps one session from replaying another's stream, and the id names its stream even after eviction.
 */
@Injectable()
export class InMemoryEventStore implements SessionEventStore {
  /** Every stored event in arrival order (seq grows), for the total bound. */
  private readonly events = new Map<number, StoredEvent>();
  private nextSeq = 1;
  private bytes = 0;
  private readonly perStream: number;
  private readonly maxEvents: number;
  private readonly maxBytes: number;

  constructor(config: GatewayConfig) {
    this.perStream = config.server.event_store.max_events_per_stream;
    this.maxEvents = config.server.event_store.max_events;
    this.maxBytes = config.server.event_store.max_bytes;
  }

  /** Events held now, across all sessions. */
  get size(): number {
    return this.events.size;
  }

  /** The JSON size of the events held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  openSession(): SessionEvents {
    return new SessionScope(randomBytes(9).toString('base64url'), this);
  }

  /** @internal Called by SessionScope. */
  store(session: SessionScope, streamId: StreamId, message: JSONRPCMessage): StoredEvent {
    const seq = this.nextSeq++;
    const id = `${session.scope}.${seq}.${streamId}`;
    const event: StoredEvent = { seq, id, streamId, message, bytes: JSON.stringify(message).length, session };
    this.events.set(seq, event);
    this.bytes += event.bytes;
    const stream = session.append(event);
    if (stream.size > this.perStream) this.evict(stream.values().next().value!);
    while (this.events.size > this.maxEvents || this.bytes > this.maxBytes) {
      this.evict(this.events.values().next().value!);
    }
    return event;
  }

  /** @internal Called by SessionScope. */
  forget(events: Iterable<StoredEvent>): void {
    for (const event of events) {
      if (this.events.delete(event.seq)) this.bytes -= event.bytes;
    }
  }

  private evict(event: StoredEvent): void {
    this.forget([event]);
    event.session.remove(event);
  }
}

class SessionScope implements SessionEvents {
  private readonly streams = new Map<StreamId, Map<number, StoredEvent>>();
  private closed = false;

  constructor(
    readonly scope: string,
    private readonly store: InMemoryEventStore,
  ) {}

  storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    // A closed session's transport may still flush a late message: give it an id, keep nothing.
    if (this.closed) return Promise.resolve(`${this.scope}.0.${streamId}`);
    return Promise.resolve(this.store.store(this, streamId, message).id);
  }

  getStreamIdForEventId(eventId: EventId): Promise<StreamId | undefined> {
    return Promise.resolve(this.parse(eventId)?.streamId);
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const last = this.parse(lastEventId);
    if (!last) throw new Error(`Unknown event id ${lastEventId}`);
    const missed = [...(this.streams.get(last.streamId)?.values() ?? [])].filter((event) => event.seq > last.seq);
    for (const event of missed) await send(event.id, event.message);
    return last.streamId;
  }

  close(): void {
    this.closed = true;
    for (const stream of this.streams.values()) this.store.forget(stream.values());
    this.streams.clear();
  }

  /** @internal Adds an event; returns its stream. */
  append(event: StoredEvent): Map<number, StoredEvent> {
    let stream = this.streams.get(event.streamId);
    if (!stream) {
      stream = new Map();
      this.streams.set(event.streamId, stream);
    }
    stream.set(event.seq, event);
    return stream;
  }

  /** @internal Drops an evicted event (and its stream once empty). */
  remove(event: StoredEvent): void {
    const stream = this.streams.get(event.streamId);
    stream?.delete(event.seq);
    if (stream?.size === 0) this.streams.delete(event.streamId);
  }

  /** The stream and position an event id of this session names; undefined for another session's or a bad id. */
  private parse(eventId: EventId): { streamId: StreamId; seq: number } | undefined {
    const [scope, seq, ...stream] = eventId.split('.');
    if (scope !== this.scope || !/^\d+$/.test(seq ?? '') || stream.length === 0) return undefined;
    return { streamId: stream.join('.'), seq: Number(seq) };
  }
}
