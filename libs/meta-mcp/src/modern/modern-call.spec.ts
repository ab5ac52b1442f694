import type { ServerResponse } from 'node:http';
import { EventEmitter } from 'node:events';
import { describe, expect, it, jest } from '@jest/globals';
import type { Result } from '@modelcontextprotocol/sdk/types.js';
import { InMemoryInputRequiredStore } from './input-required.store.js';
import { ModernCall } from './modern-call.js';
import { ModernExchange } from './modern-exchange.js';
import { ModernSlots } from './modern-slots.js';
import type { ListenHub } from './listen-hub.service.js';
import type { Envelope } from './modern-envelope.js';

/** A response that records what was written. */
function response(): ServerResponse & { body: () => string } {
  const chunks: string[] = [];
  const res = Object.assign(new EventEmitter(), {
    destroyed: false,
    writeHead: () => res,
    flushHeaders: () => undefined,
    write: (chunk: string) => void chunks.push(chunk),
    end: (chunk?: string) => void (chunk && chunks.push(chunk)),
    body: () => chunks.join(''),
  });
  return res as unknown as ServerResponse & { body: () => string };
}

const SAMPLING: Envelope = { capabilities: { sampling: {} }, clientName: 'c' };

function call(method = 'tools/call', envelope: Envelope = SAMPLING, slots?: ModernSlots): ModernCall {
  return new ModernCall('id-1', method, '/mcp/x', undefined, envelope, undefined, { chain: [] }, slots);
}

describe('ModernCall', () => {
  it("turns a backend's request into an input step, and the answer into the backend's result", async () => {
    const modern = call();
    let asked: Promise<Result> | undefined;
    modern.start(async () => {
      asked = modern.downstream.request('sampling/createMessage', { messages: [] }, new AbortController().signal);
      return { content: [{ type: 'text', text: JSON.stringify(await asked) }] };
    }, 1);
    const first = await modern.step(new ModernExchange(response(), 1));
    expect(first).toEqual({
      kind: 'input',
      inputRequests: { 'sampling-1': { method: 'sampling/createMessage', params: { messages: [] } } },
    });
    expect(modern.unknownKeys({ 'sampling-2': {} })).toEqual(['sampling-2']);
    modern.answer({
      'sampling-1': { resultType: 'complete', role: 'assistant', model: 'm', content: { type: 'text', text: 'hi' } },
    });
    const second = await modern.step(new ModernExchange(response(), 2));
    expect(second.kind).toBe('result');
    // The retry's resultType is the client's, not part of the sampling result the backend gets.
    expect(JSON.stringify(second)).not.toContain('resultType');
  });

  it('refuses what the client did not declare, and asks outside tools/call, prompts/get and resources/read', async () => {
    const noCallbacks = call('tools/call', { capabilities: {}, clientName: 'c' });
    await expect(
      noCallbacks.downstream.request('sampling/createMessage', {}, new AbortController().signal),
    ).rejects.toThrow('did not declare the sampling capability');
    const listing = call('tools/list');
    await expect(
      listing.downstream.request('sampling/createMessage', {}, new AbortController().signal),
    ).rejects.toThrow('only during tools/call');
  });

  it('fails the parked request and cancels the backend call when the wait expires', async () => {
    const modern = call();
    let parked: Promise<Result> | undefined;
    let signal: AbortSignal | undefined;
    modern.start((extra) => {
      signal = extra.signal;
      parked = modern.downstream.request('sampling/createMessage', {}, new AbortController().signal);
      return new Promise<Result>(() => undefined);
    }, 1);
    expect((await modern.step(new ModernExchange(response(), 1))).kind).toBe('input');
    modern.expire('1s');
    await expect(parked).rejects.toThrow('did not answer within 1s (server.input_required_timeout)');
    expect(signal?.aborted).toBe(true);
  });
});

describe('ModernSlots', () => {
  it("routes a backend's request to the newest call of the client that can be asked, and only to that client", async () => {
    const slots = new ModernSlots({ fromOwnConnection: () => undefined } as unknown as ListenHub);
    const sampling = call('tools/call', SAMPLING, slots);
    const listing = call('tools/list', SAMPLING, slots);
    const other = call('tools/call', { capabilities: { sampling: {} }, clientName: 'someone-else' }, slots);
    const slot = sampling.downstream.forBackend();
    expect(listing.downstream.forBackend()).toBe(slot);
    expect(other.downstream.forBackend()).not.toBe(slot);
    const ask = jest.spyOn(sampling, 'ask');
    void slot.request('sampling/createMessage', {}, new AbortController().signal).catch(() => undefined);
    expect(ask).toHaveBeenCalledTimes(1);
    sampling.end();
    await expect(slot.request('sampling/createMessage', {}, new AbortController().signal)).rejects.toThrow(
      'no call of this client can answer',
    );
  });
});

describe('InMemoryInputRequiredStore', () => {
  it('hands a parked call to one retry, and expires one nobody took', async () => {
    const store = new InMemoryInputRequiredStore();
    const taken = { id: 'a', method: 'tools/call' };
    store.park(taken, 60_000, () => undefined);
    expect(store.take('a')).toBe(taken);
    expect(store.take('a')).toBeUndefined();
    const expired = jest.fn();
    store.park({ id: 'b', method: 'tools/call' }, 10, expired);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(expired).toHaveBeenCalledTimes(1);
    expect(store.peek('b')).toBeUndefined();
    store.onApplicationShutdown();
  });
});
