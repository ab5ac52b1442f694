// HTTP below the MCP SDK, for requests the SDK client never sends: forbidden headers (Host), bodies that lie about
// their length or never end, hand-made SSE reconnects with Last-Event-ID.
import { request, type ClientRequest, type IncomingHttpHeaders } from 'node:http';

export interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** The parsed body, or undefined when it is not JSON. */
  json: { jsonrpc?: string; id?: unknown; error?: { code: number; message: string }; result?: unknown } | undefined;
}

export interface RawRequestOptions {
  method?: string;
  headers?: Record<string, string>;
  /** Sent whole (with a Content-Length) unless `write` is given. */
  body?: string;
  /** Writes the body itself (chunks, a partial body...); must eventually end the request or wait for the answer. */
  write?: (req: ClientRequest) => void;
}

/**
 * One request with node:http. Resolves with the response once its body has been read; a write error after the
 * server answered (it may close the connection on a body it refuses) does not fail the call.
 */
export function rawRequest(url: string, options: RawRequestOptions = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = request(url, { method: options.method ?? 'POST', headers: options.headers }, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let json: RawResponse['json'];
        try {
          json = JSON.parse(text) as RawResponse['json'];
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (options.write) options.write(req);
    else req.end(options.body);
  });
}

/** Headers of a well-formed MCP POST. */
export function mcpPostHeaders(extra: Record<string, string> = {}): Record<string, string> {
  return { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...extra };
}

export interface SseEvent {
  id?: string;
  event?: string;
  data: string;
}

/** The events of an SSE body, as they arrive (comments such as keep-alives are skipped). */
export async function* sseEvents(body: ReadableStream<Uint8Array>): AsyncGenerator<SseEvent> {
  const decoder = new TextDecoder();
  let buffer = '';
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: RegExpExecArray | null;
    while ((end = /\r?\n\r?\n/.exec(buffer))) {
      const block = buffer.slice(0, end.index);
      buffer = buffer.slice(end.index + end[0].length);
      const event = parseBlock(block);
      if (event) yield event;
    }
  }
}

function parseBlock(block: string): SseEvent | undefined {
  const event: SseEvent = { data: '' };
  const data: string[] = [];
  let fields = 0;
  for (const line of block.split(/\r?\n/)) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    fields++;
    if (field === 'data') data.push(value);
    else if (field === 'id') event.id = value;
    else if (field === 'event') event.event = value;
  }
  if (fields === 0) return undefined;
  event.data = data.join('\n');
  return event;
}
