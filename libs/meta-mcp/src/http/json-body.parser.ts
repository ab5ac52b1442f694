import type { Readable } from 'node:stream';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GatewayConfig } from '@gateway/config';
import { isMcpRoute } from './mcp-route.js';

/** Stands in for a body that is not JSON, so the MCP route can answer with a JSON-RPC parse error. */
export const INVALID_JSON = Object.freeze({ invalidJson: true });
/** Stands in for a body that grew past `server.max_body_size`; the rest of it is discarded unread. */
export const BODY_TOO_LARGE = Object.freeze({ bodyTooLarge: true });
/** Stands in for a body of a content type nobody parses; it is discarded unread. */
export const UNSUPPORTED_MEDIA_TYPE = Object.freeze({ unsupportedMediaType: true });
/** Stands in for a body cut off by the client going away: nobody is left to answer, and nothing went wrong here. */
export const BODY_ABORTED = Object.freeze({ bodyAborted: true });
/** Stands in for a body that stopped arriving for `server.body_timeout`; the connection is then closed. */
export const BODY_TIMED_OUT = Object.freeze({ bodyTimedOut: true });

/**
 * The deepest nesting of objects and arrays a request body may have, the JSON-RPC envelope included (a tool's
 * arguments sit 3 levels down). Deeper bodies are refused at once: serializing or validating them recurses, and
 * a stack overflow there would be counted against the backend the request was meant for.
 */
export const MAX_JSON_DEPTH = 128;

/** Stands in for a body nested deeper than MAX_JSON_DEPTH, with the id of its message when it has one. */
export class NestedTooDeep {
  constructor(readonly id: string | number | null) {}
}

/**
 * Replaces Fastify's JSON parser, whose failure replies are not JSON-RPC messages, with one that hands the MCP
 * route a marker instead: for invalid JSON, for JSON nested too deep, for a body over `server.max_body_size`
 * (counted as it arrives, so a chunked body is never buffered whole), for a body that stalls longer than
 * `server.body_timeout` between the request and its end and, through a catch-all parser, for any other content type.
 */
@Injectable()
export class JsonBodyParser implements OnModuleInit {
  private readonly maxBytes: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    config: GatewayConfig,
  ) {
    this.maxBytes = config.server.max_body_size;
    this.timeoutMs = config.server.body_timeout;
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addContentTypeParser) return;
    // Other routes (a host app's) keep Fastify's own parsing: invalid JSON is a 400 there, not a JSON-RPC error.
    const plainJson = fastify.getDefaultJsonParser('error', 'error');
    fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', (request, payload, done) => {
      if (!isMcpRoute(request)) {
        readPlain(payload, (error, text) => {
          if (error) done(error);
          else void plainJson(request, text, done);
        });
        return;
      }
      void readAtMost(payload, this.maxBytes, this.timeoutMs).then((text) =>
        done(null, typeof text === 'string' ? parseJson(text) : text),
      );
    });
    fastify.addContentTypeParser('*', (request, payload, done) => {
      payload.resume();
      if (!isMcpRoute(request)) {
        done(
          Object.assign(new Error(`Unsupported Media Type: ${request.headers['content-type'] ?? ''}`), {
            statusCode: 415,
          }),
        );
        return;
      }
      done(null, UNSUPPORTED_MEDIA_TYPE);
    });
  }
}

/** A host route's body, read whole (Fastify's bodyLimit bounds it) for Fastify's own JSON parser. */
function readPlain(payload: Readable, done: (error: Error | null, text: string) => void): void {
  const chunks: Buffer[] = [];
  payload.on('data', (chunk: Buffer) => chunks.push(chunk));
  payload.once('error', (error) => done(error, ''));
  payload.once('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  let body: unknown;
  try {
    // V8's JSON.parse does not recurse, so even a body nested far too deep parses (and its id can be named).
    body = JSON.parse(text) as unknown;
  } catch {
    return INVALID_JSON;
  }
  if (!nestedDeeperThan(text, MAX_JSON_DEPTH)) return body;
  const id = (body as { id?: unknown } | null)?.id;
  return new NestedTooDeep(typeof id === 'string' || typeof id === 'number' ? id : null);
}

/** Whether valid JSON `text` nests objects and arrays more than `max` deep: one pass, brackets in strings skipped. */
export function nestedDeeperThan(text: string, max: number): boolean {
  // Each level costs at least two characters.
  if (text.length <= 2 * max) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) inString = false;
    } else if (c === QUOTE) {
      inString = true;
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) return true;
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
  return false;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/**
 * The body as text; BODY_TOO_LARGE as soon as it exceeds `maxBytes` (the rest then flows away unread), or
 * BODY_TIMED_OUT when it has not ended `timeoutMs` after reading began.
 */
function readAtMost(stream: Readable, maxBytes: number, timeoutMs: number): Promise<string | object> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const timer =
      timeoutMs > 0
        ? setTimeout(() => {
            stop();
            chunks.length = 0;
            resolve(BODY_TIMED_OUT);
          }, timeoutMs)
        : undefined;
    const stop = (): void => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size <= maxBytes) {
        chunks.push(chunk);
        return;
      }
      stop();
      chunks.length = 0;
      stream.resume();
      resolve(BODY_TOO_LARGE);
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (): void => {
      // The only error a request stream raises is the client disconnecting ('aborted', ECONNRESET).
      stop();
      resolve(BODY_ABORTED);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
