// Strict reading of one Streamable HTTP answer to a JSON-RPC request, for the raw load generator: the body is either
// the JSON-RPC response itself (application/json) or an SSE stream carrying it (text/event-stream). Anything a real
// client could not use throws, so a run never reports a figure taken from broken answers.

export interface ToolResult {
  content?: Array<{ type: string; text?: string }>;
  isError?: boolean;
}

interface JsonRpcMessage {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown };
}

export interface SseEvent {
  event: string;
  data: string;
}

/**
 * The events dispatched from a complete text/event-stream body, by the WHATWG EventSource rules: `data:` lines joined
 * with \n, one leading space stripped from values, `:` comments and `id:`/`retry:` skipped (nothing here resumes a
 * stream), and events with empty data (the SDK's priming events) not dispatched. A last event without its closing
 * blank line is incomplete and dropped, as EventSource does.
 */
export function parseSse(body: string): SseEvent[] {
  const events: SseEvent[] = [];
  let data: string[] = [];
  let event = '';
  for (const line of body.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/)) {
    if (line === '') {
      const text = data.join('\n');
      if (text !== '') events.push({ event: event || 'message', data: text });
      data = [];
      event = '';
      continue;
    }
    if (line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const raw = colon < 0 ? '' : line.slice(colon + 1);
    const value = raw.startsWith(' ') ? raw.slice(1) : raw;
    if (field === 'data') data.push(value);
    else if (field === 'event') event = value;
  }
  return events;
}

function parseMessage(text: string, where: string): JsonRpcMessage {
  let message: JsonRpcMessage | null;
  try {
    message = JSON.parse(text) as JsonRpcMessage | null;
  } catch {
    throw new Error(`${where} is not JSON: ${text.slice(0, 200)}`);
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message) || message.jsonrpc !== '2.0') {
    throw new Error(`${where} is not a JSON-RPC 2.0 message: ${text.slice(0, 200)}`);
  }
  return message;
}

const isResponse = (message: JsonRpcMessage) =>
  message.method === undefined && ('result' in message || 'error' in message);

/** The tool result of the response to request `id`, from one HTTP answer; throws on anything else. */
export function readToolResult(
  status: number | undefined,
  contentType: string | undefined,
  body: string,
  id: number,
): ToolResult {
  const type = contentType?.split(';')[0].trim().toLowerCase();
  if (status !== 200) throw new Error(`HTTP ${status} (${type ?? 'no content-type'}): ${body.slice(0, 300)}`);
  let response: JsonRpcMessage | undefined;
  if (type === 'application/json') {
    response = parseMessage(body, 'the JSON body');
    if (!isResponse(response)) throw new Error(`the JSON body is not a JSON-RPC response: ${body.slice(0, 300)}`);
  } else if (type === 'text/event-stream') {
    // Notifications and server requests may come first on the stream; only a response is the answer.
    for (const { event, data } of parseSse(body)) {
      if (event !== 'message') continue;
      const message = parseMessage(data, 'an SSE message');
      if (!isResponse(message)) continue;
      if (response) throw new Error(`two JSON-RPC responses on one stream: ${body.slice(0, 300)}`);
      response = message;
    }
    if (!response) throw new Error(`the SSE stream ended without a JSON-RPC response: ${body.slice(0, 300)}`);
  } else {
    throw new Error(`unexpected content-type ${contentType ?? '(none)'}: ${body.slice(0, 300)}`);
  }
  if (response.id !== id) throw new Error(`response id ${JSON.stringify(response.id)}, expected ${id}`);
  if (response.error !== undefined) {
    throw new Error(`JSON-RPC error ${String(response.error.code)}: ${String(response.error.message)}`);
  }
  const result = response.result as ToolResult | null | undefined;
  if (typeof result !== 'object' || result === null) throw new Error(`response ${id} has no result object`);
  return result;
}
