import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import type { ReplayableEvent, SessionEventStore, SessionEvents } from '../meta-mcp.tokens.js';

type StreamId = string;
type EventId = string;

/**
 * What one stored event costs in heap besides its JSON text: the string's header, the record, its id string and its
 * entries in the two maps that index it (measured on Node 20: about 330 bytes). A parsed message, which the store
 * kept before, cost about 2.8 KB for a small tools/call result.
 */
export const EVENT_OVERHEAD_BYTES = 352;

interface StoredEvent {
  readonly seq: number;
  readonly id: EventId;
  readonly streamId: StreamId;
  /** The message as sent; undefined for a priming event (an id for the client to resume from, nothing to replay). */
  readonly json: string | undefined;
  /** Its estimated heap cost: what the total size bound counts. */
  readonly bytes: number;
  readonly session: SessionScope;
}

/** Heap of a string: one byte a character when every character is Latin-1, else two. */
function stringBytes(text: string): number {
  // eslint-disable-next-line no-control-regex
  return /[^\u0000-\u00ff]/.test(text) ? text.length * 2 : text.length;
}

/**
 * SSE events of every session in memory, for Last-Event-ID replay. Kept as the JSON text they were sent as (a parsed
 * message costs several times its JSON in heap), and bounded per stream, and in count and estimated heap in total
 * (the oldest event goes first). A stream's events go once its response has reached the client whole, and a
 * session's when it closes: what stays is what a client that lost its connection may still ask for. Event ids are
 * `<session scope>.<seq>.<stream id>`: the random scope keeps one session from replaying another's stream, and the
 * id names its stream even after eviction.
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

  /** Event sequence numbers from here on (a shared store starts them from the clock: unique across replicas). */
  startSequenceAt(seq: number): void {
    this.nextSeq = Math.max(this.nextSeq, seq);
  }

  /** Events held now, across all sessions. */
  get size(): number {
    return this.events.size;
  }

  /** The estimated heap of the events held now. */
  get heldBytes(): number {
    return this.bytes;
  }

  /** `scope`: the prefix of the session's event ids (random unless given; a shared store derives it from the id). */
  openSession(_sessionId?: string, scope = randomBytes(9).toString('base64url')): SessionScope {
    return new SessionScope(scope, this);
  }

  /** @internal Called by SessionScope. */
  store(session: SessionScope, streamId: StreamId, json: string | undefined): StoredEvent {
    const seq = this.nextSeq++;
    const id = `${session.scope}.${seq}.${streamId}`;
    const bytes = EVENT_OVERHEAD_BYTES + (json === undefined ? 0 : stringBytes(json));
    const event: StoredEvent = { seq, id, streamId, json, bytes, session };
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

export class SessionScope implements SessionEvents {
  private readonly streams = new Map<StreamId, Map<number, StoredEvent>>();
  private closed = false;

  constructor(
    readonly scope: string,
    private readonly events: InMemoryEventStore,
  ) {}

  store(streamId: StreamId, json: string | undefined): EventId {
    // A closed session's transport may still flush a late message: give it an id, keep nothing.
    if (this.closed) return `${this.scope}.0.${streamId}`;
    return this.events.store(this, streamId, json).id;
  }

  delivered(streamId: StreamId): void {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    this.events.forget(stream.values());
    this.streams.delete(streamId);
  }

  after(eventId: EventId): { streamId: StreamId; events: ReplayableEvent[] } | undefined {
    const last = this.parse(eventId);
    if (!last) return undefined;
    const events: ReplayableEvent[] = [];
    for (const event of this.streams.get(last.streamId)?.values() ?? []) {
      if (event.seq > last.seq && event.json !== undefined) events.push({ id: event.id, json: event.json });
    }
    return { streamId: last.streamId, events };
  }

  /** Every message kept for a stream, oldest first. */
  kept(streamId: StreamId): ReplayableEvent[] {
    const events: ReplayableEvent[] = [];
    for (const event of this.streams.get(streamId)?.values() ?? []) {
      if (event.json !== undefined) events.push({ id: event.id, json: event.json });
    }
    return events;
  }

  close(): void {
    this.closed = true;
    for (const stream of this.streams.values()) this.events.forget(stream.values());
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
  parse(eventId: EventId): { streamId: StreamId; seq: number } | undefined {
    const [scope, seq, ...stream] = eventId.split('.');
    if (scope !== this.scope || !/^\d+$/.test(seq ?? '') || stream.length === 0) return undefined;
    return { streamId: stream.join('.'), seq: Number(seq) };
  }
}
