// The raw load generator's calls: tools/call as plain HTTP/1.1 POSTs on undici's Client (one keep-alive connection per
// session, no pipelining), on a session the MCP SDK Client already initialized (2025-11-25), or, for a modern client
// (2026-07-28), with no session at all: each request carries its version, capabilities and client info in `_meta` and
// the Mcp-Method and Mcp-Name headers, as the SDK 2.x client sends them. The load generator shares the CPUs
// with the server under test, so its own cost per call is kept small: the SDK client costs ~0.5 ms of CPU per call
// (fetch, web streams, zod), node:http ~0.12 ms, undici's dispatch with a bare handler less than half of that.
import { Client } from 'undici';
import type { CallSpec } from './load-protocol.js';
import { readToolResult, type ToolResult } from './mcp-response.js';

interface Prepared {
  /** The request body up to the id: `{"jsonrpc":"2.0","method":"tools/call","params":{...},"id":`. */
  prefix: string;
  prefixBytes: number;
  /** This call's headers (a modern request names its method and tool in headers). */
  headers: Record<string, string>;
}

export const MODERN_PROTOCOL_VERSION = '2026-07-28';
/** The per-request envelope a modern client puts in every request's `_meta`. */
const MODERN_META = {
  'io.modelcontextprotocol/protocolVersion': MODERN_PROTOCOL_VERSION,
  'io.modelcontextprotocol/clientCapabilities': {},
  'io.modelcontextprotocol/clientInfo': { name: 'mcp-gateway-bench', version: '1.0.0' },
};

export class RawHttpCaller {
  /** One connection per session, reused (keep-alive), as a real client holds its own. */
  private readonly client: Client;
  private readonly path: string;
  private readonly headers: Record<string, string>;
  private readonly prepared = new Map<CallSpec, Prepared>();
  /** The SDK Client used id 0 for initialize and makes no further requests, so ids from 1 are unique in the session. */
  private nextId = 1;
  private readonly modern: boolean;

  /** `protocolVersion` 2026-07-28 makes a modern (sessionless, `_meta`-carrying) caller. */
  constructor(
    url: string,
    sessionId: string | undefined,
    protocolVersion: string | undefined,
    extraHeaders: Record<string, string> = {},
  ) {
    this.modern = protocolVersion === MODERN_PROTOCOL_VERSION;
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:') throw new Error(`raw load generator: http:// only, got ${url}`);
    this.client = new Client(parsed.origin, { pipelining: 1 });
    this.path = parsed.pathname + parsed.search;
    this.headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(sessionId === undefined ? {} : { 'mcp-session-id': sessionId }),
      ...(protocolVersion === undefined ? {} : { 'mcp-protocol-version': protocolVersion }),
      ...extraHeaders,
    };
  }

  /** One tools/call; resolves with the tool result once the whole answer has arrived and parsed. */
  async call(spec: CallSpec): Promise<ToolResult> {
    const { prefix, prefixBytes, headers } = this.prepare(spec);
    const id = this.nextId++;
    const idText = String(id);
    // The id is ASCII, so the length is the prefix's bytes plus the id's characters and the closing brace.
    const answer = await this.post(`${prefix}${idText}}`, prefixBytes + idText.length + 1, headers);
    return readToolResult(answer.status, answer.contentType, answer.body, id);
  }

  close(): void {
    void this.client.destroy();
  }

  private prepare(spec: CallSpec): Prepared {
    let prepared = this.prepared.get(spec);
    if (!prepared) {
      const params = JSON.stringify({
        name: spec.name,
        arguments: spec.arguments,
        ...(this.modern ? { _meta: MODERN_META } : {}),
      });
      const prefix = `{"jsonrpc":"2.0","method":"tools/call","params":${params},"id":`;
      const headers = this.modern
        ? { ...this.headers, 'mcp-method': 'tools/call', 'mcp-name': spec.name }
        : this.headers;
      prepared = { prefix, prefixBytes: Buffer.byteLength(prefix), headers };
      this.prepared.set(spec, prepared);
    }
    return prepared;
  }

  private post(
    body: string,
    bytes: number,
    headers: Record<string, string>,
  ): Promise<{ status?: number; contentType?: string; body: string }> {
    return new Promise((resolve, reject) => {
      let status: number | undefined;
      let contentType: string | undefined;
      const chunks: Buffer[] = [];
      this.client.dispatch(
        { path: this.path, method: 'POST', headers: { ...headers, 'content-length': String(bytes) }, body },
        {
          // Client.dispatch takes undici's original handler shape; its newer one is for composed dispatchers.
          onConnect: () => undefined,
          onHeaders: (statusCode, rawHeaders) => {
            status = statusCode;
            for (let i = 0; i < rawHeaders.length; i += 2) {
              if (rawHeaders[i].toString('latin1').toLowerCase() === 'content-type') {
                contentType = rawHeaders[i + 1].toString('latin1');
              }
            }
            return true;
          },
          onData: (chunk) => chunks.push(chunk) > 0,
          // undici completes a response only once its whole body (content-length or chunked) has arrived.
          onComplete: () =>
            resolve({
              status,
              contentType,
              body: chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8'),
            }),
          onError: reject,
        },
      );
    });
  }
}
