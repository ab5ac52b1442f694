import type { ServerResponse } from 'node:http';

/** JSON-RPC error codes the gateway answers with before a message reaches an MCP session. */
export const JsonRpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  InternalError: -32603,
  /** What the SDK's Streamable HTTP transport answers HTTP-level refusals with (406, 415, bad protocol version). */
  TransportRefused: -32000,
  SessionNotFound: -32001,
} as const;

/** The body of a JSON-RPC error response. */
export function jsonRpcErrorBody(code: number, message: string, id: string | number | null = null): string {
  return JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id });
}

/** Writes an HTTP error whose body is a JSON-RPC error, as MCP clients expect from a Streamable HTTP endpoint. */
export function sendJsonRpcError(
  res: ServerResponse,
  status: number,
  code: number,
  message: string,
  id: string | number | null = null,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(jsonRpcErrorBody(code, message, id));
}
