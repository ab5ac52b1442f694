import { describe, expect, it } from '@jest/globals';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { GatewayConfig } from '@gateway/config';
import type { SessionEvents } from '../meta-mcp.tokens.js';
import { EVENT_OVERHEAD_BYTES, InMemoryEventStore, type SessionScope } from './in-memory-event-store.js';

function storeWith(maxPerStream: number, maxTotal: number, maxBytes = 1024 ** 2): InMemoryEventStore {
  const config = new GatewayConfig();
  config.server.event_store.max_events_per_stream = maxPerStream;
  config.server.event_store.max_events = maxTotal;
  config.server.event_store.max_bytes = maxBytes;
  return new InMemoryEventStore(config);
}

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });

const put = (session: SessionEvents, streamId: string, message: JSONRPCMessage) =>
  session.store(streamId, JSON.stringify(message));

/** What the store counts for one `note(n)` with a one-digit n. */
const NOTE_COST = EVENT_OVERHEAD_BYTES + JSON.stringify(note(1)).length;

function storeMany(session: SessionEvents, streamId: string, count: number): string[] {
  const ids: string[] = [];
  for (let n = 1; n <= count; n++) ids.push(put(session, streamId, note(n)));
  return ids;
}

/** The stream an id names and the `n` of each message replayed after it; undefined for an unknown id. */
function replay(session: SessionScope, lastEventId: string): { stream: string; sent: unknown[] } | undefined {
  const found = session.after(lastEventId);
  if (!found) return undefined;
  const sent = found.events.map(({ json }) => (JSON.parse(json) as { params: { n: number } }).params.n);
  return { stream: found.streamId, sent };
}

describe('InMemoryEventStore', () => {
  it('replays the events of the same stream after the given id, in order, with their ids', () => {
    const session = storeWith(100, 1000).openSession();
    const ids = storeMany(session, 'post-1', 5);
    storeMany(session, '_GET_stream', 2);
    expect(new Set(ids).size).toBe(5);
    expect(session.after(ids[1])?.events.map(({ id }) => id)).toEqual(ids.slice(2));
    expect(replay(session, ids[1])).toEqual({ stream: 'post-1', sent: [3, 4, 5] });
    expect(replay(session, ids[4])).toEqual({ stream: 'post-1', sent: [] });
  });

  it('keeps one session out of another: the same stream id, a foreign event id, a bad id', () => {
    const store = storeWith(100, 1000);
    const a = store.openSession();
    const b = store.openSession();
    const [aFirst] = storeMany(a, '_GET_stream', 3);
    storeMany(b, '_GET_stream', 1);
    expect(replay(b, aFirst)).toBeUndefined();
    expect(replay(a, 'not-an-id')).toBeUndefined();
    expect(replay(a, aFirst)?.sent).toEqual([2, 3]);
  });

  it('hands out ids for priming events but never replays them', () => {
    const session = storeWith(100, 1000).openSession();
    const priming = session.store('post-1', undefined);
    const [first] = storeMany(session, 'post-1', 2);
    expect(replay(session, priming)).toEqual({ stream: 'post-1', sent: [1, 2] });
    session.store('post-1', undefined);
    expect(replay(session, first)).toEqual({ stream: 'post-1', sent: [2] });
  });

  it('keeps at most max_events_per_stream per stream, dropping the oldest', () => {
    const store = storeWith(3, 1000);
    const session = store.openSession();
    const ids = storeMany(session, 's', 10);
    storeMany(session, 'other', 2);
    expect(store.size).toBe(5);
    // The client's cursor is older than anything kept: it gets what is left, still from the right stream.
    expect(replay(session, ids[0])).toEqual({ stream: 's', sent: [8, 9, 10] });
  });

  it('keeps at most max_events in total, dropping the oldest of any session', () => {
    const store = storeWith(100, 4);
    const a = store.openSession();
    const b = store.openSession();
    const aIds = storeMany(a, 's', 3);
    storeMany(b, 's', 3);
    expect(store.size).toBe(4);
    expect(replay(a, aIds[0])?.sent).toEqual([3]);
    // An id whose events were all evicted still names its stream, so a reconnect is not refused.
    expect(replay(a, aIds[0])?.stream).toBe('s');
  });

  it('keeps at most max_bytes of estimated heap in total (JSON text plus a fixed overhead), dropping the oldest', () => {
    const store = storeWith(100, 1000, NOTE_COST * 3);
    const session = store.openSession();
    const ids = storeMany(session, 's', 5);
    expect(store.size).toBe(3);
    expect(store.heldBytes).toBe(NOTE_COST * 3);
    expect(replay(session, ids[0])?.sent).toEqual([3, 4, 5]);
    // An event bigger than the whole budget is not kept at all.
    put(session, 's', { jsonrpc: '2.0', method: 'big', params: { data: 'x'.repeat(NOTE_COST * 4) } });
    expect(store.size).toBe(0);
    expect(store.heldBytes).toBe(0);
  });

  it('drops a session’s events when it closes, and keeps nothing it stores afterwards', () => {
    const store = storeWith(100, 1000);
    const a = store.openSession();
    const b = store.openSession();
    const aIds = storeMany(a, 's', 3);
    storeMany(b, 's', 2);
    const bBytes = store.heldBytes - 3 * NOTE_COST;
    a.close();
    expect(store.size).toBe(2);
    expect(store.heldBytes).toBe(bBytes);
    expect(replay(a, aIds[0])?.sent).toEqual([]);
    put(a, 's', note(9));
    expect(store.size).toBe(2);
  });

  it('counts text beyond Latin-1 at two bytes a character, as V8 stores it', () => {
    const store = storeWith(100, 1000);
    const json = JSON.stringify({ jsonrpc: '2.0', method: 'm', params: { text: 'über 5 €' } });
    store.openSession().store('s', json);
    expect(store.heldBytes).toBe(EVENT_OVERHEAD_BYTES + 2 * json.length);
  });

  it('forgets a stream once its response was delivered, and only that stream', () => {
    const store = storeWith(100, 1000);
    const session = store.openSession();
    storeMany(session, 'post-1', 3);
    const kept = storeMany(session, 'post-2', 2);
    session.delivered('post-1');
    session.delivered('unknown');
    expect(store.size).toBe(2);
    expect(store.heldBytes).toBe(2 * NOTE_COST);
    expect(replay(session, kept[0])).toEqual({ stream: 'post-2', sent: [2] });
  });
});
