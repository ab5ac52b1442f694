import { describe, expect, it } from '@jest/globals';
import {
  JSONRPCErrorResponseSchema,
  JSONRPCMessageSchema,
  JSONRPCNotificationSchema,
  JSONRPCRequestSchema,
  JSONRPCResultResponseSchema,
  RELATED_TASK_META_KEY,
} from '@modelcontextprotocol/sdk/types.js';
import { jsonRpcKind, sseMessage, truncatedResponseId } from './json-rpc-message.js';

const samples: unknown[] = [
  { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'echo', arguments: { message: 'hi' } } },
  { jsonrpc: '2.0', id: 'a-1', method: 'ping' },
  { jsonrpc: '2.0', id: 0, method: 'x', params: { _meta: { progressToken: 'p' } } },
  { jsonrpc: '2.0', id: 0, method: 'x', params: { _meta: { progressToken: 7, other: true } } },
  { jsonrpc: '2.0', id: 0, method: 'x', params: { _meta: { progressToken: 1.5 } } },
  { jsonrpc: '2.0', id: 0, method: 'x', params: { _meta: { progressToken: null } } },
  { jsonrpc: '2.0', id: 0, method: 'x', params: { _meta: 'no' } },
  { jsonrpc: '2.0', id: 0, method: 'x', params: { _meta: { [RELATED_TASK_META_KEY]: { taskId: 't' } } } },
  { jsonrpc: '2.0', id: 0, method: 'x', params: { _meta: { [RELATED_TASK_META_KEY]: { taskId: 3 } } } },
  { jsonrpc: '2.0', id: 1.5, method: 'x' },
  { jsonrpc: '2.0', id: 2 ** 60, method: 'x' },
  { jsonrpc: '2.0', id: null, method: 'x' },
  { jsonrpc: '2.0', id: 1, method: 5 },
  { jsonrpc: '2.0', id: 1, method: 'x', params: [] },
  { jsonrpc: '2.0', id: 1, method: 'x', params: null },
  { jsonrpc: '2.0', id: 1, method: 'x', extra: 1 },
  { jsonrpc: '2.0', id: 1, method: 'x', result: {} },
  { jsonrpc: '1.0', id: 1, method: 'x' },
  { id: 1, method: 'x' },
  { jsonrpc: '2.0', method: 'notifications/initialized' },
  { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 2 } },
  { jsonrpc: '2.0', method: 'n', params: 'text' },
  { jsonrpc: '2.0', method: 'n', more: 1 },
  { jsonrpc: '2.0', id: 1, result: {} },
  { jsonrpc: '2.0', id: 'r', result: { content: [], _meta: { progressToken: 'x' } } },
  { jsonrpc: '2.0', id: 1, result: [] },
  { jsonrpc: '2.0', id: 1, result: 'text' },
  { jsonrpc: '2.0', id: 1, result: null },
  { jsonrpc: '2.0', result: {} },
  { jsonrpc: '2.0', id: 1, result: {}, other: 2 },
  { jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'no' } },
  { jsonrpc: '2.0', error: { code: -32700, message: 'parse', data: { at: 3 } } },
  { jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'no' } },
  { jsonrpc: '2.0', id: 1, error: { code: 1, message: 2 } },
  { jsonrpc: '2.0', id: 1, error: { code: 1, message: 'm', extra: true } },
  { jsonrpc: '2.0', id: 1, error: 'bad' },
  { jsonrpc: '2.0', id: 1, error: { code: 1, message: 'm' }, result: {} },
  { jsonrpc: '2.0', id: 1 },
  { jsonrpc: '2.0' },
  [],
  [{ jsonrpc: '2.0', id: 1, method: 'x' }],
  null,
  'text',
  42,
];

describe('jsonRpcKind', () => {
  it('agrees with the SDK JSONRPCMessageSchema on every sample', () => {
    for (const sample of samples) {
      expect([sample, jsonRpcKind(sample) !== undefined]).toEqual([
        sample,
        JSONRPCMessageSchema.safeParse(sample).success,
      ]);
    }
  });

  it('names the kind the SDK schemas name', () => {
    const schemaKind = (sample: unknown) =>
      JSONRPCRequestSchema.safeParse(sample).success
        ? 'request'
        : JSONRPCNotificationSchema.safeParse(sample).success
          ? 'notification'
          : JSONRPCResultResponseSchema.safeParse(sample).success
            ? 'result'
            : JSONRPCErrorResponseSchema.safeParse(sample).success
              ? 'error'
              : undefined;
    const kinds = samples.map((sample) => [sample, jsonRpcKind(sample)]);
    expect(kinds).toEqual(samples.map((sample) => [sample, schemaKind(sample)]));
    expect(new Set(kinds.map(([, kind]) => kind))).toEqual(
      new Set(['request', 'notification', 'result', 'error', undefined]),
    );
  });
});

describe('truncatedResponseId', () => {
  it('finds the id of a response at its end (TypeScript SDK) or its start (id first)', () => {
    expect(
      truncatedResponseId('{"result":{"content":[{"type":"text","text":"xx', 'xxx"}]},"jsonrpc":"2.0","id":42}'),
    ).toBe(42);
    expect(truncatedResponseId('{"jsonrpc": "2.0", "id": "req-\\"7", "result": {"x', 'xx"}}\r')).toBe('req-"7');
    expect(truncatedResponseId('{"jsonrpc":"2.0","id":3,"error":{"code":1,"message":"xx', 'x"}}')).toBe(3);
  });

  it('gives no id for a request, a notification, or a nested id', () => {
    // A server-to-client request also ends with its id: its id is not one of ours.
    expect(truncatedResponseId('{"method":"sampling/createMessage","params":{"x', 'x"},"jsonrpc":"2.0","id":0}')).toBe(
      undefined,
    );
    expect(truncatedResponseId('{"jsonrpc":"2.0","id":5,"method":"roots/list","params":{"x', 'x"}}')).toBe(undefined);
    expect(truncatedResponseId('{"result":{"content":[{"x', 'x","id":9}}')).toBe(undefined);
  });
});

describe('sseMessage', () => {
  it('parses a message event, skips other events, and reports data that is not JSON without throwing', () => {
    const errors: Error[] = [];
    const onerror = (error: Error) => errors.push(error);
    expect(sseMessage({ data: '{"jsonrpc":"2.0","id":1,"result":{}}' }, onerror)).toEqual({
      jsonrpc: '2.0',
      id: 1,
      result: {},
    });
    expect(sseMessage({ event: 'message', data: '{"a":1}' }, onerror)).toEqual({ a: 1 });
    expect(sseMessage({ event: 'ping', data: '{"a":1}' }, onerror)).toBeUndefined();
    expect(sseMessage({ data: '' }, onerror)).toBeUndefined();
    expect(errors).toEqual([]);
    expect(sseMessage({ data: 'not json' }, onerror)).toBeUndefined();
    expect(errors.map((error) => error.message)).toEqual(['backend sent an SSE event that is not JSON: not json']);
  });
});
