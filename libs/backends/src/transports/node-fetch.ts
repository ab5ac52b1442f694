import http from 'node:http';
import https from 'node:https';
import { Readable } from 'node:stream';
import type { ReadableStream } from 'node:stream/web';
import type { FetchLike } from '@modelcontextprotocol/sdk/shared/transport.js';

const agents = {
  'http:': new http.Agent({ keepAlive: true }),
  'https:': new https.Agent({ keepAlive: true }),
};

/**
 * The fetch the Streamable HTTP client transport calls for every message, on node:http with keep-alive agents:
 * undici's spec-complete fetch cost more CPU than the rest of a proxied call. Bodies that are not an event stream
 * are read whole; an event stream is handed over as it arrives. Failures look like fetch's (TypeError "fetch failed"
 * with the socket error as its cause), which is what the failure classifier and error messages read.
 */
export const nodeFetch: FetchLike = (input, init = {}) => {
  const url = typeof input === 'string' ? new URL(input) : input;
  const body = init.body;
  const agent = agents[url.protocol as keyof typeof agents];
  if (!agent || (body !== undefined && body !== null && typeof body !== 'string')) return fetch(input, init);
  return new Promise((resolve, reject) => {
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      { method: init.method ?? 'GET', headers: plainHeaders(init.headers), agent, signal: init.signal ?? undefined },
      (res) => {
        const status = res.statusCode ?? 502;
        const headers = new Headers();
        for (let i = 0; i < res.rawHeaders.length; i += 2) headers.append(res.rawHeaders[i], res.rawHeaders[i + 1]);
        if (status === 204 || status === 304) {
          res.resume();
          return resolve(new Response(null, { status, headers }));
        }
        if ((res.headers['content-type'] ?? '').includes('text/event-stream')) {
          return resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, { status, headers }));
        }
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.once('end', () => resolve(new Response(chunks.length ? Buffer.concat(chunks) : null, { status, headers })));
        res.once('error', (error) => reject(fetchFailed(error)));
      },
    );
    request.once('error', (error) => reject(error.name === 'AbortError' ? error : fetchFailed(error)));
    request.end(body ?? undefined);
  });
};

function fetchFailed(cause: Error): TypeError {
  return Object.assign(new TypeError('fetch failed'), { cause });
}

function plainHeaders(headers: RequestInit['headers']): Record<string, string> {
  if (!headers) return {};
  if (headers instanceof Headers) return Object.fromEntries(headers.entries());
  if (Array.isArray(headers)) return Object.fromEntries(headers);
  return headers as Record<string, string>;
}
