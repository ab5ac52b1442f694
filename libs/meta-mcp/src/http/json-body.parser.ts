import { Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/** Stands in for a body that is not JSON, so the MCP route can answer with a JSON-RPC parse error. */
export const INVALID_JSON = Object.freeze({ invalidJson: true });

/**
 * Replaces Fastify's JSON parser, whose failure reply is not a JSON-RPC message, with one that hands the MCP
 * route a marker instead. Registered before the server listens.
 */
@Injectable()
export class JsonBodyParser implements OnModuleInit {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter?.getInstance<FastifyInstance>();
    if (!fastify?.addContentTypeParser) return;
    fastify.removeContentTypeParser('application/json');
    fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, body === '' ? undefined : JSON.parse(body as string));
      } catch {
        done(null, INVALID_JSON);
      }
    });
  }
}
