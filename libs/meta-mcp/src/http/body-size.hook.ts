import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { formatByteSize, GatewayConfig } from '@gateway/config';
import { JsonRpcCode, jsonRpcErrorBody } from './json-rpc-reply.js';
import { isMcpRoute } from './mcp-route.js';

/** The 413 answer, for the hook (declared length) and the JSON body parser (chunked bodies). */
export function bodyTooLargeMessage(maxBytes: number): string {
  return `Payload Too Large: request bodies are limited to ${formatByteSize(maxBytes)} (server.max_body_size)`;
}

/**
 * Refuses a request whose Content-Length exceeds `server.max_body_size` with 413 before a byte of its body is read.
 * Bodies without a length (chunked) are capped while they are read, by JsonBodyParser.
 */
@Injectable()
export class BodySizeHook implements OnModuleInit {
  private readonly maxBytes: number;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    config: GatewayConfig,
  ) {
    this.maxBytes = config.server.max_body_size;
  }

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addHook) return;
    fastify.addHook('onRequest', (request, reply, done) => {
      const length = Number(request.headers['content-length'] ?? 0);
      if (!(length > this.maxBytes) || !isMcpRoute(request)) return done();
      // Closing the connection stops the client from sending the rest of a body nobody will read.
      void reply
        .code(413)
        .header('content-type', 'application/json')
        .header('connection', 'close')
        .send(jsonRpcErrorBody(JsonRpcCode.TransportRefused, bodyTooLargeMessage(this.maxBytes)));
    });
  }
}
