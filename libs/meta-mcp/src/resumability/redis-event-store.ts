import { createHash } from 'node:crypto';
import type { RequestId } from '@modelcontextprotocol/sdk/types.js';
import { RedisEventLog, type LoggedStream } from '@gateway/store';
import type { Replay, ReplayableEvent, SessionEventStore, SessionEvents } from '../meta-mcp.tokens.js';
import type { InMemoryEventStore, SessionScope } from './in-memory-event-store.js';

/** How long a replay waits for the answer of a call running on another replica before it ends empty-handed. */
const WAIT_FOR_OWNER_MS = 5 * 60_000;

/**
 * Events kept in this replica's memory (replay from there costs nothing) and written behind to Redis, so that a
 * client reconnecting with Last-Event-ID to another replica gets what it missed. Event ids start with a scope
 * derived from the session id, so any replica serving the session accepts them, and their sequence numbers start
 * from the clock, so a replica taking over a stream never reuses an id. A request's stream is named after the
 * replica running the request (each replica numbers its streams from 1): a replay of another replica's stream
 * waits for its answer in Redis, and answers it with an error once that replica's liveness key has expired.
 */
export class RedisEventStore implements SessionEventStore {
  constructor(
    private readonly local: InMemoryEventStore,
    private readonly log: RedisEventLog,
  ) {
    local.startSequenceAt(Date.now() * 1000);
  }

  openSession(sessionId?: string): SessionEvents {
    if (sessionId === undefined) return this.local.openSession();
    const scope = createHash('sha256').update(sessionId).digest('base64url').slice(0, 12);
    return new SharedSessionEvents(sessionId, this.local.openSession(sessionId, scope), this.log);
  }
}

class SharedSessionEvents implements SessionEvents {
  private readonly replica: string;

  constructor(
    private readonly sessionId: string,
    private readonly local: SessionScope,
    private readonly log: RedisEventLog,
  ) {
    this.replica = log.liveness.id;
  }

  store(streamId: string, json: string | undefined, requestId?: RequestId): string {
    const shared = this.shared(streamId);
    const id = this.local.store(shared, json);
    this.log.append(this.sessionId, shared, { id, json });
    if (requestId !== undefined) this.log.opened(this.sessionId, shared, requestId);
    return id;
  }

  /**
   * From Redis, which has what every replica sent on the stream (this one's GET stream may carry events another
   * replica stored), joined with this replica's own events that Redis lacks (written while it was down).
   */
  after(eventId: string): Replay | undefined | Promise<Replay | undefined> {
    const here = this.local.after(eventId);
    if (!here) return undefined;
    const owner = ownerOf(here.streamId);
    const replay =
      owner !== undefined && owner !== this.replica
        ? this.fromOwner(eventId, here, owner)
        : this.log.readStream(this.sessionId, here.streamId).then((logged) => this.ownStream(eventId, here, logged));
    return replay
      .catch(() => here)
      .then((found) => found && { streamId: this.mine(found.streamId), events: found.events });
  }

  delivered(streamId: string): void {
    const shared = this.shared(streamId);
    this.local.delivered(shared);
    this.log.drop(this.sessionId, shared);
  }

  /** This replica's copy only: the events stay in Redis until the session is deleted or expires. */
  close(): void {
    this.local.close();
  }

  /**
   * Messages raised for the GET stream before the session's first one, wherever they were raised (here they may
   * not be in Redis yet: appends go once a tick); none when another GET stream came first.
   */
  async firstOpen(streamId: string): Promise<ReplayableEvent[] | undefined> {
    const opened = await this.log.firstOpen(this.sessionId, streamId);
    if (!opened) return undefined;
    if (!opened.first) return [];
    const logged = opened.events.flatMap((event) => (event.json === undefined ? [] : [event as ReplayableEvent]));
    const ids = new Set(logged.map((event) => event.id));
    const missing = this.local.kept(streamId).filter((event) => !ids.has(event.id));
    return this.inOrder([...logged, ...missing]);
  }

  /** One of this replica's streams; undefined for a request stream of which nothing is left (as in fromOwner()). */
  private ownStream(eventId: string, here: Replay, logged: LoggedStream | undefined): Replay | undefined {
    if (logged && gone(logged) && here.events.length === 0 && ownerOf(here.streamId) !== undefined) return undefined;
    return this.joined(eventId, here, logged);
  }

  /**
   * Another replica's request stream: what Redis holds of it once it has the answer; until then, while the
   * replica running the request is alive, Redis is read again every poll; when it is not, the client gets an error
   * answer in its place. Undefined when Redis holds nothing of the stream any more (answered and delivered,
   * expired or evicted): there is nothing to resume.
   */
  private async fromOwner(eventId: string, here: Replay, owner: string): Promise<Replay | undefined> {
    const pollMs = Math.max(50, Math.min(500, this.log.liveness.ttlMs / 4));
    const deadline = Date.now() + WAIT_FOR_OWNER_MS;
    for (;;) {
      const logged = await this.log.readStream(this.sessionId, here.streamId, owner);
      if (!logged) return here;
      if (gone(logged)) return undefined;
      if (logged.requestId === undefined || answered(logged)) return this.joined(eventId, here, logged);
      if (!logged.ownerAlive) {
        const error = {
          jsonrpc: '2.0',
          id: logged.requestId,
          error: {
            code: -32603,
            message: `replica ${owner} handling this request stopped; the call's outcome is unknown`,
            data: { replica: owner },
          },
        };
        const json = JSON.stringify(error);
        const id = this.store(here.streamId, json);
        const replay = this.joined(eventId, here, logged);
        return { streamId: replay.streamId, events: [...replay.events, { id, json }] };
      }
      if (Date.now() > deadline) return this.joined(eventId, here, logged);
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
  }

  /** What Redis holds after the event (by position: ids are unique) plus what only this replica has; `here` without Redis. */
  private joined(eventId: string, here: Replay, logged: LoggedStream | undefined): Replay {
    if (!logged) return here;
    const events = logged.events;
    let at = events.findIndex((event) => event.id === eventId);
    if (at < 0) {
      // Evicted: everything newer than it, by sequence number.
      const seq = this.seq(eventId);
      at = events.findLastIndex((event) => this.seq(event.id) <= seq);
    }
    const shared = events
      .slice(at + 1)
      .flatMap((event) => (event.json === undefined ? [] : [{ id: event.id, json: event.json }]));
    // Only what Redis never got (whether before or after the client's position there) is added from here.
    const ids = new Set(events.map((event) => event.id));
    const missing = here.events.filter((event) => !ids.has(event.id));
    if (missing.length === 0) return { streamId: here.streamId, events: shared };
    return { streamId: here.streamId, events: this.inOrder([...shared, ...missing]) };
  }

  private inOrder(events: ReplayableEvent[]): ReplayableEvent[] {
    return events.sort((a, b) => this.seq(a.id) - this.seq(b.id));
  }

  private seq(eventId: string): number {
    return this.local.parse(eventId)?.seq ?? 0;
  }

  /** The transport's stream ids ("1", "2"...) as this replica's; the GET stream's and others' stay as they are. */
  private shared(streamId: string): string {
    return /^\d+$/.test(streamId) ? `${this.replica}.${streamId}` : streamId;
  }

  /** A stream id as the transport knows it: this replica's without the prefix, another's whole (it matches none). */
  private mine(streamId: string): string {
    return ownerOf(streamId) === this.replica ? streamId.slice(this.replica.length + 1) : streamId;
  }
}

/** The replica a request stream is named after; none for the GET stream. */
function ownerOf(streamId: string): string | undefined {
  const dot = streamId.indexOf('.');
  return dot < 0 ? undefined : streamId.slice(0, dot);
}

/** Nothing left of the stream in Redis: delivered, expired or evicted. */
function gone(stream: LoggedStream): boolean {
  return stream.events.length === 0 && stream.requestId === undefined;
}

/** The stream carries the response to its request. */
function answered(stream: LoggedStream): boolean {
  return stream.events.some((event) => {
    if (event.json === undefined || !(event.json.includes('"result"') || event.json.includes('"error"'))) return false;
    const message = JSON.parse(event.json) as { id?: unknown; result?: unknown; error?: unknown };
    return message.id === stream.requestId && (message.result !== undefined || message.error !== undefined);
  });
}
