import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest, FastifyServerOptions } from 'fastify';
import { JsonRpcCode, jsonRpcErrorBody } from './json-rpc-reply.js';

/**
 * Fastify's own answers to requests it cannot route or parse, as JSON-RPC errors like every other refusal of the
 * gateway (MCP clients read the body of an error answer as a JSON-RPC message): a URL it cannot decode (400), a
 * path segment over the router's length limit (414), and bytes that are not HTTP at all (400, 408, 431). For the
 * gateway's Fastify adapter options.
 */
export const jsonRpcFrameworkErrors: Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> = {
  frameworkErrors(error: Error & { statusCode?: number }, _request: FastifyRequest, reply: FastifyReply) {
    const status = error.statusCode ?? 400;
    const text = status === 414 ? 'URI Too Long: a path segment is too long' : 'Bad Request: the URL cannot be decoded';
    void reply
      .code(status)
      .header('content-type', 'application/json')
      .send(jsonRpcErrorBody(JsonRpcCode.TransportRefused, text));
  },

  clientErrorHandler(error: Error & { code?: string }, socket: Socket) {
    // A connection reset by the client leaves nobody to answer; neither is worth a log line.
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    const status = CLIENT_ERROR_STATUS[error.code ?? ''] ?? 400;
    const text =
      status === 400 ? 'Bad Request: the request is not valid HTTP' : `${STATUS_CODES[status]}: ${error.message}`;
    const body = jsonRpcErrorBody(JsonRpcCode.TransportRefused, text);
    if (socket.writable) {
      socket.write(
        `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\n` +
          `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
    }
    socket.destroy();
  },
};

const CLIENT_ERROR_STATUS: Record<string, number> = {
  ERR_HTTP_REQUEST_TIMEOUT: 408,
  HPE_HEADER_OVERFLOW: 431,
};
