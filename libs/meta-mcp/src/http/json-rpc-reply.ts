import type { ServerResponse } from 'node:http';

/** JSON-RPC error codes the gateway answers with before a message reaches an MCP session. */
export const JsonRpcCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  SessionNotFound: -32001,
} as const;

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
  const body = JSON.stringify({ jsonrpc: '2.0', error: { code, message }, id });
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(body);
}
