import { describe, expect, it } from '@jest/globals';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { GatewayConfig } from '@gateway/config';
import type { SessionEvents } from '../meta-mcp.tokens.js';
import { InMemoryEventStore } from './in-memory-event-store.js';

function storeWith(maxPerStream: number, maxTotal: number, maxBytes = 1024 ** 2): InMemoryEventStore {
  const config = new GatewayConfig();
  config.server.event_store.max_events_per_stream = maxPerStream;
  config.server.event_store.max_events = maxTotal;
  config.server.event_store.max_bytes = maxBytes;
  return new InMemoryEventStore(config);
}

const note = (n: number): JSONRPCMessage => ({ jsonrpc: '2.0', method: 'notifications/message', params: { n } });

async function storeMany(session: SessionEvents, streamId: string, count: number): Promise<string[]> {
  const ids: string[] = [];
  for (let n = 1; n <= count; n++) ids.push(await session.storeEvent(streamId, note(n)));
  return ids;
}

async function replay(session: SessionEvents, lastEventId: string): Promise<{ stream: string; sent: unknown[] }> {
  const sent: unknown[] = [];
  const stream = await session.replayEventsAfter(lastEventId, {
    send: (_id, message) => {
      sent.push((message as unknown as { params: { n: number } }).params.n);
      return Promise.resolve();
    },
  });
  return { stream, sent };
}

describe('InMemoryEventStore', () => {
  it('replays the events of the same stream after the given id, in order, with their ids', async () => {
    const session = storeWith(100, 1000).openSession();
    const ids = await storeMany(session, 'post-1', 5);
    await storeMany(session, '_GET_stream', 2);
    expect(new Set(ids).size).toBe(5);
    expect(await session.getStreamIdForEventId!(ids[1])).toBe('post-1');
    const replayedIds: string[] = [];
    await session.replayEventsAfter(ids[1], {
      send: (id) => {
        replayedIds.push(id);
        return Promise.resolve();
      },
    });
    expect(replayedIds).toEqual(ids.slice(2));
    expect(await replay(session, ids[1])).toEqual({ stream: 'post-1', sent: [3, 4, 5] });
    expect(await replay(session, ids[4])).toEqual({ stream: 'post-1', sent: [] });
  });

  it('keeps one session out of another: the same stream id, a foreign event id, a bad id', async () => {
    const store = storeWith(100, 1000);
    const a = store.openSession();
    const b = store.openSession();
    const [aFirst] = await storeMany(a, '_GET_stream', 3);
    await storeMany(b, '_GET_stream', 1);
    expect(await b.getStreamIdForEventId!(aFirst)).toBeUndefined();
    await expect(replay(b, aFirst)).rejects.toThrow('Unknown event id');
    expect(await a.getStreamIdForEventId!('not-an-id')).toBeUndefined();
    expect((await replay(a, aFirst)).sent).toEqual([2, 3]);
  });

  it('keeps at most max_events_per_stream per stream, dropping the oldest', async () => {
    const store = storeWith(3, 1000);
    const session = store.openSession();
    const ids = await storeMany(session, 's', 10);
    await storeMany(session, 'other', 2);
    expect(store.size).toBe(5);
    // The client's cursor is older than anything kept: it gets what is left, still from the right stream.
    expect(await replay(session, ids[0])).toEqual({ stream: 's', sent: [8, 9, 10] });
  });

  it('keeps at most max_events in total, dropping the oldest of any session', async () => {
    const store = storeWith(100, 4);
    const a = store.openSession();
    const b = store.openSession();
    const aIds = await storeMany(a, 's', 3);
    await storeMany(b, 's', 3);
    expect(store.size).toBe(4);
    expect((await replay(a, aIds[0])).sent).toEqual([3]);
    // An id whose events were all evicted still names its stream, so a reconnect is not refused.
    expect(await a.getStreamIdForEventId!(aIds[0])).toBe('s');
  });

  it('keeps at most max_bytes of JSON in total, dropping the oldest', async () => {
    const eventBytes = JSON.stringify(note(1)).length;
    const store = storeWith(100, 1000, eventBytes * 3);
    const session = store.openSession();
    const ids = await storeMany(session, 's', 5);
    expect(store.size).toBe(3);
    expect(store.heldBytes).toBe(eventBytes * 3);
    expect((await replay(session, ids[0])).sent).toEqual([3, 4, 5]);
    // An event bigger than the whole budget is not kept at all.
    await session.storeEvent('s', { jsonrpc: '2.0', method: 'big', params: { data: 'x'.repeat(eventBytes * 4) } });
    expect(store.size).toBe(0);
    expect(store.heldBytes).toBe(0);
  });

  it('drops a session’s events when it closes, and keeps nothing it stores afterwards', async () => {
    const store = storeWith(100, 1000);
    const a = store.openSession();
    const b = store.openSession();
    const aIds = await storeMany(a, 's', 3);
    await storeMany(b, 's', 2);
    const bBytes = store.heldBytes - 3 * JSON.stringify(note(1)).length;
    a.close();
    expect(store.size).toBe(2);
    expect(store.heldBytes).toBe(bBytes);
    expect((await replay(a, aIds[0])).sent).toEqual([]);
    await a.storeEvent('s', note(9));
    expect(store.size).toBe(2);
  });
});
