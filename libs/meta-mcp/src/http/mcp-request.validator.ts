import type { IncomingHttpHeaders } from 'node:http';
import { Injectable } from '@nestjs/common';
import { isJsonContentType } from '@modelcontextprotocol/sdk/shared/mediaType.js';
import { bodyTooLargeMessage } from './body-size.hook.js';
import {
  BODY_ABORTED,
  BODY_TIMED_OUT,
  BODY_TOO_LARGE,
  INVALID_JSON,
  MAX_JSON_DEPTH,
  NestedTooDeep,
  UNSUPPORTED_MEDIA_TYPE,
} from './json-body.parser.js';
import { formatDuration, GatewayConfig } from '@gateway/config';
import { jsonRpcKind } from '@gateway/backends';
import { JsonRpcCode } from './json-rpc-reply.js';

/** An HTTP answer refusing a request before it reaches an MCP session. */
export interface Refusal {
  status: number;
  code: number;
  message: string;
  id: string | number | null;
  headers?: Record<string, string>;
}

/** The body was not read to its end: close the connection rather than read the rest. */
const CLOSE = { connection: 'close' };

/**
 * What the Streamable HTTP transport spec and JSON-RPC require of a request to /mcp, checked before a session is
 * opened or looked up, so a bad request never costs a session (or a backend connection): 406 for an Accept header
 * without the media types, 413 and 415 for bodies, 400 with -32700 or -32600 for anything but one JSON-RPC message.
 */
@Injectable()
export class McpRequestValidator {
  private readonly maxBytes: number;
  private readonly bodyTimeoutMs: number;

  constructor(config: GatewayConfig) {
    this.maxBytes = config.server.max_body_size;
    this.bodyTimeoutMs = config.server.body_timeout;
  }

  refuse(method: string, headers: IncomingHttpHeaders, body: unknown): Refusal | undefined {
    if (method === 'GET') return accepts(headers, ['text/event-stream']);
    if (method !== 'POST') return undefined;
    if (body === BODY_ABORTED) {
      // Written to a closed socket, so nobody reads it; the point is to end the request without an error.
      return refusal(400, JsonRpcCode.TransportRefused, 'Bad Request: the request body was cut off', null, CLOSE);
    }
    if (body === BODY_TIMED_OUT) {
      const message =
        `Request Timeout: the request body did not arrive within ${formatDuration(this.bodyTimeoutMs)} ` +
        '(server.body_timeout)';
      return refusal(408, JsonRpcCode.TransportRefused, message, null, CLOSE);
    }
    if (body === BODY_TOO_LARGE) {
      return refusal(413, JsonRpcCode.TransportRefused, bodyTooLargeMessage(this.maxBytes), null, CLOSE);
    }
    if (body === UNSUPPORTED_MEDIA_TYPE || !isJsonContentType(headers['content-type'])) {
      const message = 'Unsupported Media Type: Content-Type must be application/json';
      return refusal(415, JsonRpcCode.TransportRefused, message, null, body === UNSUPPORTED_MEDIA_TYPE ? CLOSE : {});
    }
    return accepts(headers, ['application/json', 'text/event-stream']) ?? this.checkMessage(body);
  }

  private checkMessage(body: unknown): Refusal | undefined {
    if (body === INVALID_JSON) {
      return refusal(400, JsonRpcCode.ParseError, 'Parse error: the request body is not valid JSON');
    }
    if (body === undefined) {
      return refusal(400, JsonRpcCode.ParseError, 'Parse error: the request body is empty; send a JSON-RPC message');
    }
    if (body instanceof NestedTooDeep) {
      const message = `Invalid Request: the message nests objects and arrays deeper than ${MAX_JSON_DEPTH} levels`;
      return refusal(400, JsonRpcCode.InvalidRequest, message, body.id);
    }
    if (Array.isArray(body)) {
      const message = 'JSON-RPC batches are not supported (MCP 2025-06-18 and later)';
      return refusal(400, JsonRpcCode.InvalidRequest, message);
    }
    if (typeof body !== 'object' || body === null) {
      const message = `Invalid Request: the body must be a JSON-RPC message object, not ${body === null ? 'null' : typeof body}`;
      return refusal(400, JsonRpcCode.InvalidRequest, message);
    }
    if (jsonRpcKind(body)) return undefined;
    const { jsonrpc, id } = body as { jsonrpc?: unknown; id?: unknown };
    const message =
      jsonrpc === '2.0'
        ? 'Invalid Request: not a JSON-RPC request, notification or response'
        : `Invalid Request: "jsonrpc" must be "2.0" (got ${JSON.stringify(jsonrpc) ?? 'nothing'})`;
    return refusal(
      400,
      JsonRpcCode.InvalidRequest,
      message,
      typeof id === 'string' || typeof id === 'number' ? id : null,
    );
  }
}

/** Like the SDK transport, a substring check: Accept is a comma-separated list. */
function accepts(headers: IncomingHttpHeaders, types: string[]): Refusal | undefined {
  const accept = headers.accept ?? '';
  if (types.every((type) => accept.includes(type))) return undefined;
  const message = `Not Acceptable: the Accept header must list ${types.join(' and ')}`;
  return refusal(406, JsonRpcCode.TransportRefused, message);
}

function refusal(
  status: number,
  code: number,
  message: string,
  id: string | number | null = null,
  headers: Record<string, string> = {},
): Refusal {
  return { status, code, message, id, headers };
}
