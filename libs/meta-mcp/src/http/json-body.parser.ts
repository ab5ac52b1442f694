import type { Readable } from 'node:stream';
import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { GatewayConfig } from '@gateway/config';

/** Stands in for a body that is not JSON, so the MCP route can answer with a JSON-RPC parse error. */
export const INVALID_JSON = Object.freeze({ invalidJson: true });
/** Stands in for a body that grew past `server.max_body_size`; the rest of it is discarded unread. */
export const BODY_TOO_LARGE = Object.freeze({ bodyTooLarge: true });
/** Stands in for a body of a content type nobody parses; it is discarded unread. */
export const UNSUPPORTED_MEDIA_TYPE = Object.freeze({ unsupportedMediaType: true });

/**
 * Replaces Fastify's JSON parser, whose failure replies are not JSON-RPC messages, with one that hands the MCP
 * route a marker instead: for invalid JSON, for a body over `server.max_body_size` (counted as it arrives, so a
 * chunked body is never buffered whole) and, through a catch-all parser, for any other content type.
 */
@Injectable()
export class JsonBodyParser implements OnModuleInit {
  private readonly maxBytes: number;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    config: GatewayConfig,
  ) {
    this.maxBytes = config.server.max_body_size;
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addContentTypeParser) return;
    fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', (_req, payload, done) => {
      readAtMost(payload, this.maxBytes).then(
        (text) => done(null, text === undefined ? BODY_TOO_LARGE : parseJson(text)),
        (error: Error) => done(error, undefined),
      );
    });
    fastify.addContentTypeParser('*', (_req, payload, done) => {
      payload.resume();
      done(null, UNSUPPORTED_MEDIA_TYPE);
    });
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return INVALID_JSON;
  }
}

/** The body as text, or undefined as soon as it exceeds `maxBytes` (the rest then flows away unread). */
function readAtMost(stream: Readable, maxBytes: number): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
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
      resolve(undefined);
    };
    const onEnd = (): void => {
      stop();
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onError = (error: Error): void => {
      stop();
      reject(error);
    };
    stream.on('data', onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
  });
}
