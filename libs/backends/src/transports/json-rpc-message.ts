import { RELATED_TASK_META_KEY } from '@modelcontextprotocol/sdk/types.js';

export type JsonRpcKind = 'request' | 'notification' | 'result' | 'error';

const REQUEST_KEYS = new Set(['jsonrpc', 'id', 'method', 'params']);
const NOTIFICATION_KEYS = new Set(['jsonrpc', 'method', 'params']);
const RESULT_KEYS = new Set(['jsonrpc', 'id', 'result']);
const ERROR_KEYS = new Set(['jsonrpc', 'id', 'error']);

/**
 * What kind of JSON-RPC message `value` is, or undefined when it is none: the same verdict as the SDK's
 * JSONRPCMessageSchema (strict objects, integer ids and codes, `_meta` shapes), checked by hand because the zod
 * union costs more than the rest of a proxied call's parsing. json-rpc-message.spec.ts holds the two side by side.
 */
export function jsonRpcKind(value: unknown): JsonRpcKind | undefined {
  if (!isObject(value) || value.jsonrpc !== '2.0') return undefined;
  if ('method' in value) {
    if (typeof value.method !== 'string' || !validParams(value.params)) return undefined;
    if ('id' in value) return isId(value.id) && only(value, REQUEST_KEYS) ? 'request' : undefined;
    return only(value, NOTIFICATION_KEYS) ? 'notification' : undefined;
  }
  if ('result' in value) {
    return isId(value.id) && isObject(value.result) && validMeta(value.result._meta) && only(value, RESULT_KEYS)
      ? 'result'
      : undefined;
  }
  if ('error' in value) {
    const error = value.error;
    const valid =
      (value.id === undefined || isId(value.id)) &&
      isObject(error) &&
      Number.isSafeInteger(error.code) &&
      typeof error.message === 'string' &&
      only(value, ERROR_KEYS);
    return valid ? 'error' : undefined;
  }
  return undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isId(value: unknown): value is string | number {
  return typeof value === 'string' || Number.isSafeInteger(value);
}

function only(value: Record<string, unknown>, allowed: Set<string>): boolean {
  for (const key in value) if (!allowed.has(key)) return false;
  return true;
}

function validParams(params: unknown): boolean {
  if (params === undefined) return true;
  return isObject(params) && validMeta(params._meta);
}

function validMeta(meta: unknown): boolean {
  if (meta === undefined) return true;
  if (!isObject(meta)) return false;
  if (meta.progressToken !== undefined && !isId(meta.progressToken)) return false;
  const related = meta[RELATED_TASK_META_KEY];
  return related === undefined || (isObject(related) && typeof related.taskId === 'string');
}

const ID = String.raw`("(?:[^"\\]|\\.)*"|-?\d+)`;
/** `{"jsonrpc":"2.0","id":1,"result"...`: id first (Python SDK, most hand-written servers). */
const HEAD_ID = new RegExp(String.raw`^\s*\{\s*"jsonrpc"\s*:\s*"2\.0"\s*,\s*"id"\s*:\s*${ID}\s*,\s*"(?:result|error)"`);
/** `{"result":...,"jsonrpc":"2.0","id":1}`: id last (the TypeScript SDK). */
const RESULT_FIRST = /^\s*\{\s*"result"\s*:/;
const TAIL_ID = new RegExp(String.raw`"id"\s*:\s*${ID}\s*\}\s*$`);

/**
 * The id of a response of which only the first and last few hundred characters are known (a message too large to
 * keep), or undefined when those ends are not recognisably a response's.
 */
export function truncatedResponseId(head: string, tail: string): string | number | undefined {
  const match = HEAD_ID.exec(head) ?? (RESULT_FIRST.test(head) ? TAIL_ID.exec(tail) : null);
  if (!match) return undefined;
  try {
    return JSON.parse(match[1]) as string | number;
  } catch {
    return undefined;
  }
}

/**
 * The message an SSE event of a Streamable HTTP response carries: undefined for an event of another type or without
 * data, and for data that is not JSON, which is reported to `onerror` (the stream goes on).
 */
export function sseMessage(event: { event?: string; data: string }, onerror: (error: Error) => void): unknown {
  if (!event.data || (event.event && event.event !== 'message')) return undefined;
  try {
    return JSON.parse(event.data) as unknown;
  } catch {
    onerror(new Error(`backend sent an SSE event that is not JSON: ${event.data.slice(0, 200)}`));
    return undefined;
  }
}
