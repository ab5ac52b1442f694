// An MCP session opened by hand over node:http (raw-http.ts), for requests the SDK client never sends, and the
// check every refusal of the gateway must pass: a JSON-RPC error body with the expected HTTP status.
import { expect } from '@jest/globals';
import { mcpPostHeaders, rawRequest, type RawResponse } from './raw-http.js';

export const RAW_PROTOCOL_VERSION = '2025-11-25';

/** An initialize request body (id 0). */
export function initializeBody(protocolVersion = RAW_PROTOCOL_VERSION): string {
  return JSON.stringify({
    jsonrpc: '2.0',
    id: 0,
    method: 'initialize',
    params: { protocolVersion, capabilities: {}, clientInfo: { name: 'raw-session', version: '1.0.0' } },
  });
}

/** A session opened by hand on `url` (initialize + initialized), returning its id. */
export async function openRawSession(url: string, headers: Record<string, string> = {}): Promise<string> {
  const init = await rawRequest(url, { headers: mcpPostHeaders(headers), body: initializeBody() });
  expect(init.status).toBe(200);
  const id = init.headers['mcp-session-id'] as string;
  const initialized = await rawRequest(url, {
    headers: mcpPostHeaders({ ...headers, 'mcp-session-id': id, 'mcp-protocol-version': RAW_PROTOCOL_VERSION }),
    body: JSON.stringify({ jsonrpc: '2.0', method: 'notifications/initialized' }),
  });
  expect(initialized.status).toBe(202);
  return id;
}

/** Headers of a POST in session `id`. */
export function sessionHeaders(id: string, extra: Record<string, string> = {}): Record<string, string> {
  return mcpPostHeaders({ 'mcp-session-id': id, 'mcp-protocol-version': RAW_PROTOCOL_VERSION, ...extra });
}

/** Asserts a JSON-RPC error answer with `status` (and `code` when given); returns its message. */
export function expectJsonRpcError(response: RawResponse, status: number, code?: number): string {
  expect({ status: response.status, type: response.headers['content-type'] }).toEqual({
    status,
    type: expect.stringContaining('application/json'),
  });
  expect(response.json).toMatchObject({
    jsonrpc: '2.0',
    error: { code: expect.any(Number), message: expect.any(String) },
  });
  if (code !== undefined) expect(response.json!.error!.code).toBe(code);
  return response.json!.error!.message;
}
