import { createHash } from 'node:crypto';
import { RedisEventLog } from '@gateway/store';
import type { Replay, SessionEventStore, SessionEvents } from '../meta-mcp.tokens.js';
import type { InMemoryEventStore, SessionScope } from './in-memory-event-store.js';

/**
 * Events kept in this replica's memory (replay from there costs nothing) and written behind to Redis, so that a
 * client reconnecting with Last-Event-ID to another replica gets what it missed. Event ids start with a scope
 * derived from the session id, so any replica serving the session accepts them, and their sequence numbers start
 * from the clock, so a replica taking over a stream never reuses an id.
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
  constructor(
    private readonly sessionId: string,
    private readonly local: SessionScope,
    private readonly log: RedisEventLog,
  ) {}

  store(streamId: string, json: string | undefined): string {
    const id = this.local.store(streamId, json);
    this.log.append(this.sessionId, streamId, { id, json });
    return id;
  }

  /**
   * From Redis, which has what every replica sent on the stream (this one's GET stream may carry events another
   * replica stored), joined with this replica's own events that Redis lacks (written while it was down).
   */
  after(eventId: string): Replay | undefined | Promise<Replay | undefined> {
    const here = this.local.after(eventId);
    if (!here) return undefined;
    return this.fromRedis(eventId, here.streamId).then((shared) => {
      if (!shared) return here;
      // Only what Redis never got (whether before or after the client's position there) is added from here.
      const missing = here.events.filter((event) => !shared.logged.has(event.id));
      if (missing.length === 0) return shared.replay;
      const seq = (id: string) => this.local.parse(id)?.seq ?? 0;
      const events = [...shared.replay.events, ...missing].sort((a, b) => seq(a.id) - seq(b.id));
      return { streamId: here.streamId, events };
    });
  }

  delivered(streamId: string): void {
    this.local.delivered(streamId);
    this.log.drop(this.sessionId, streamId);
  }

  /** This replica's copy only: the events stay in Redis until the session is deleted or expires. */
  close(): void {
    this.local.close();
  }

  /** What Redis holds after the event (by position: ids are unique); undefined when Redis cannot answer. */
  private async fromRedis(
    eventId: string,
    streamId: string,
  ): Promise<{ replay: Replay; logged: Set<string> } | undefined> {
    const logged = await this.log.read(this.sessionId, streamId);
    if (!logged) return undefined;
    let at = logged.findIndex((event) => event.id === eventId);
    if (at < 0) {
      // Evicted: everything newer than it, by sequence number.
      const seq = this.local.parse(eventId)?.seq ?? 0;
      at = logged.findLastIndex((event) => (this.local.parse(event.id)?.seq ?? 0) <= seq);
    }
    const events = logged
      .slice(at + 1)
      .flatMap((event) => (event.json === undefined ? [] : [{ id: event.id, json: event.json }]));
    return { replay: { streamId, events }, logged: new Set(logged.map((event) => event.id)) };
  }
}
