import { describe, expect, it } from '@jest/globals';
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { ReplicaChannel } from '@gateway/store';
import { InputRequiredRelay, type RelayedRequest } from './input-required.relay.js';
import type { Exchange } from './modern-exchange.js';

/** Replicas wired together in memory as Redis pub/sub would: a replica listens once it subscribed, until it dies. */
class FakeRedis {
  readonly listeners = new Map<string, (message: unknown) => void>();
  readonly alive = new Set<string>();

  channel(id: string, enabled = true): ReplicaChannel {
    this.alive.add(id);
    return {
      enabled,
      id,
      liveness: { ttlMs: 200, alive: (replica: string) => Promise.resolve(this.alive.has(replica)) },
      send: (replica: string, _topic: string, message: object) => {
        const listener = this.listeners.get(replica);
        if (listener) setImmediate(() => listener(JSON.parse(JSON.stringify(message))));
        return Promise.resolve(listener !== undefined);
      },
      on: (_topic: string, listener: (message: unknown) => void) => this.listeners.set(id, listener),
    } as unknown as ReplicaChannel;
  }

  kill(id: string): void {
    this.listeners.delete(id);
    this.alive.delete(id);
  }
}

/** What the client holding the HTTP request was sent. */
class RecordingExchange implements Exchange {
  readonly sent: Array<[string, ...unknown[]]> = [];
  readonly abort = new AbortController();
  private done = false;
  readonly id = 5;
  get signal() {
    return this.abort.signal;
  }
  /** As an HTTP response the client closed. */
  get finished() {
    return this.done || this.abort.signal.aborted;
  }
  whileOpen(cancel: () => void) {
    this.abort.signal.addEventListener('abort', cancel, { once: true });
    return () => this.abort.signal.removeEventListener('abort', cancel);
  }
  notify(method: string, params?: Record<string, unknown>) {
    this.sent.push(['notify', method, params]);
  }
  result(result: Record<string, unknown>) {
    this.done = true;
    this.sent.push(['result', result]);
  }
  error(code: number, message: string, data?: unknown) {
    this.done = true;
    this.sent.push(['error', code, message, data]);
  }
}

const retry: JSONRPCRequest = { jsonrpc: '2.0', id: 5, method: 'tools/call', params: { name: 't' } };
const request: RelayedRequest = {
  route: 'everything',
  principal: { id: 'alice', kind: 'api_key', roles: [], scopes: [] },
};

describe('InputRequiredRelay', () => {
  it("names the call's replica in its id with Redis, and nothing without", () => {
    const redis = new FakeRedis();
    const a = new InputRequiredRelay(redis.channel('A'));
    const b = new InputRequiredRelay(redis.channel('B'));
    const id = a.callId();
    expect(id).toMatch(/^A\.[0-9a-f-]{36}$/);
    // The owner serves it from memory: no relay, no Redis.
    expect(a.ownerOf(id)).toBeUndefined();
    expect(b.ownerOf(id)).toBe('A');
    const alone = new InputRequiredRelay(redis.channel('C', false));
    expect(alone.callId()).toMatch(/^[0-9a-f-]{36}$/);
    expect(alone.ownerOf(id)).toBeUndefined();
  });

  it("serves a retry on the owner and brings back its progress and result, in order, to the client's replica", async () => {
    const redis = new FakeRedis();
    const a = new InputRequiredRelay(redis.channel('A'));
    const b = new InputRequiredRelay(redis.channel('B'));
    const served: unknown[] = [];
    a.serve(async (id, message, relayed, exchange) => {
      served.push({ id, message, relayed });
      exchange.notify('notifications/progress', { progressToken: 1, progress: 1 });
      exchange.notify('notifications/progress', { progressToken: 1, progress: 2 });
      exchange.result({ resultType: 'complete', content: [] });
      return Promise.resolve();
    });
    const exchange = new RecordingExchange();
    await b.forward('A', 'A.call', retry, request, exchange);
    expect(served).toEqual([{ id: 'A.call', message: retry, relayed: request }]);
    expect(exchange.sent).toEqual([
      ['notify', 'notifications/progress', { progressToken: 1, progress: 1 }],
      ['notify', 'notifications/progress', { progressToken: 1, progress: 2 }],
      ['result', { resultType: 'complete', content: [] }],
    ]);
  });

  it('passes the client going away on to the owner, which cancels the call', async () => {
    const redis = new FakeRedis();
    const a = new InputRequiredRelay(redis.channel('A'));
    const b = new InputRequiredRelay(redis.channel('B'));
    let cancelled!: () => void;
    const sawCancel = new Promise<void>((resolve) => (cancelled = resolve));
    a.serve((_id, _message, _relayed, exchange) => {
      exchange.signal.addEventListener('abort', () => cancelled());
      return sawCancel;
    });
    const exchange = new RecordingExchange();
    const forwarded = b.forward('A', 'A.call', retry, request, exchange);
    await new Promise((resolve) => setTimeout(resolve, 20));
    exchange.abort.abort();
    await sawCancel;
    await forwarded;
  });

  it('answers with an error naming the owner once it is gone, whether before or while serving the retry', async () => {
    const redis = new FakeRedis();
    const b = new InputRequiredRelay(redis.channel('B'));
    redis.channel('A');
    redis.kill('A');
    const before = new RecordingExchange();
    await b.forward('A', 'A.call', retry, request, before);
    expect(before.sent).toEqual([
      [
        'error',
        -32603,
        expect.stringMatching(/replica A holding this request .* outcome is unknown/),
        { replica: 'A' },
      ],
    ]);

    const a = new InputRequiredRelay(redis.channel('A'));
    let started!: () => void;
    const serving = new Promise<void>((resolve) => (started = resolve));
    a.serve(() => (started(), new Promise<void>(() => undefined)));
    const during = new RecordingExchange();
    const forwarded = b.forward('A', 'A.call', retry, request, during);
    await serving;
    redis.kill('A');
    await forwarded;
    expect(during.sent).toEqual([['error', -32603, expect.stringMatching(/replica A .* is gone/), { replica: 'A' }]]);
  });
});
