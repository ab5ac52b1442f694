// A bare Streamable HTTP MCP client that keeps each answer's exact text: token counts are taken over the JSON a
// client really receives, not over a re-serialized object.
import { performance } from 'node:perf_hooks';

export interface RawAnswer {
  /** The JSON-RPC response exactly as sent (the SSE `data:` payload, or the JSON body). */
  text: string;
  message: { result?: Record<string, unknown>; error?: { code: number; message: string } };
  ms: number;
}

export class RawMcpSession {
  private nextId = 1;
  private sessionId?: string;
  /** The initialize answer, exactly as received. */
  initialize?: RawAnswer;

  constructor(private readonly url: string) {}

  static async open(url: string): Promise<RawMcpSession> {
    const session = new RawMcpSession(url);
    session.initialize = await session.request('initialize', {
      protocolVersion: '2025-06-18',
      capabilities: {},
      clientInfo: { name: 'mcp-gateway-bench', version: '1.0.0' },
    });
    await session.post({ jsonrpc: '2.0', method: 'notifications/initialized' });
    return session;
  }

  /** One request; fails on a JSON-RPC error or a tool error, so no figure is taken from a failed call. */
  async request(method: string, params: Record<string, unknown>): Promise<RawAnswer> {
    const id = this.nextId++;
    const started = performance.now();
    const { text, status } = await this.post({ jsonrpc: '2.0', id, method, params });
    const payload = extractMessage(text, id);
    const ms = performance.now() - started;
    if (!payload)
      throw new Error(`${method}: no JSON-RPC answer with id ${id} (HTTP ${status}): ${text.slice(0, 300)}`);
    const message = JSON.parse(payload) as RawAnswer['message'];
    if (message.error) throw new Error(`${method}: JSON-RPC error ${message.error.code}: ${message.error.message}`);
    if (message.result?.isError === true) throw new Error(`${method}: tool error: ${payload.slice(0, 300)}`);
    return { text: payload, message, ms };
  }

  callTool(name: string, args: Record<string, unknown>): Promise<RawAnswer> {
    return this.request('tools/call', { name, arguments: args });
  }

  async close(): Promise<void> {
    if (!this.sessionId) return;
    const response = await fetch(this.url, { method: 'DELETE', headers: { 'mcp-session-id': this.sessionId } });
    await response.arrayBuffer();
  }

  private async post(body: unknown): Promise<{ text: string; status: number }> {
    const response = await fetch(this.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': '2025-06-18',
        ...(this.sessionId ? { 'mcp-session-id': this.sessionId } : {}),
      },
      body: JSON.stringify(body),
    });
    this.sessionId ??= response.headers.get('mcp-session-id') ?? undefined;
    const text = await response.text();
    if (response.status >= 400) throw new Error(`POST ${this.url}: HTTP ${response.status}: ${text.slice(0, 300)}`);
    return { text, status: response.status };
  }
}

/** The payload of the message with `id`, from an SSE stream (`data:` lines) or a plain JSON body. */
function extractMessage(body: string, id: number): string | undefined {
  const trimmed = body.trim();
  if (trimmed.startsWith('{')) return trimmed;
  for (const event of body.split(/\r?\n\r?\n/)) {
    const data = event
      .split(/\r?\n/)
      .filter((line) => line.startsWith('data:'))
      .map((line) => line.slice(5).replace(/^ /, ''))
      .join('\n');
    if (!data) continue;
    try {
      if ((JSON.parse(data) as { id?: unknown }).id === id) return data;
    } catch {
      // Not JSON: skip.
    }
  }
  return undefined;
}
