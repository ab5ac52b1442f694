// The raw load generator's calls: tools/call as plain HTTP/1.1 POSTs over node:http, on a session the MCP SDK Client
// already initialized. The SDK client costs ~0.5 ms of CPU per call (fetch/undici, web streams, zod) on the same CPUs
// as the server under test; this keeps the generator's share small so it caps and distorts the figures less.
import { Agent, request, type OutgoingHttpHeaders } from 'node:http';
import type { CallSpec } from './load-protocol.js';
import { readToolResult, type ToolResult } from './mcp-response.js';

interface Prepared {
  /** The request body up to the id: `{"jsonrpc":"2.0","method":"tools/call","params":{...},"id":`. */
  prefix: string;
  prefixBytes: number;
}

export class RawHttpCaller {
  /** One connection per session, reused (keep-alive), as a real client holds its own. */
  private readonly agent = new Agent({ keepAlive: true, maxSockets: 1 });
  private readonly host: string;
  private readonly port: number;
  private readonly path: string;
  private readonly headers: OutgoingHttpHeaders;
  private readonly prepared = new Map<CallSpec, Prepared>();
  /** The SDK Client used id 0 for initialize and makes no further requests, so ids from 1 are unique in the session. */
  private nextId = 1;

  constructor(url: string, sessionId: string | undefined, protocolVersion: string | undefined) {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:') throw new Error(`raw load generator: http:// only, got ${url}`);
    this.host = parsed.hostname;
    this.port = Number(parsed.port || 80);
    this.path = parsed.pathname + parsed.search;
    this.headers = {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      ...(sessionId === undefined ? {} : { 'mcp-session-id': sessionId }),
      ...(protocolVersion === undefined ? {} : { 'mcp-protocol-version': protocolVersion }),
    };
  }

  /** One tools/call; resolves with the tool result once the whole answer has arrived and parsed. */
  async call(spec: CallSpec): Promise<ToolResult> {
    const { prefix, prefixBytes } = this.prepare(spec);
    const id = this.nextId++;
    const idText = String(id);
    // The id is ASCII, so the length is the prefix's bytes plus the id's characters and the closing brace.
    const answer = await this.post(`${prefix}${idText}}`, prefixBytes + idText.length + 1);
    return readToolResult(answer.status, answer.contentType, answer.body, id);
  }

  close(): void {
    this.agent.destroy();
  }

  private prepare(spec: CallSpec): Prepared {
    let prepared = this.prepared.get(spec);
    if (!prepared) {
      const params = JSON.stringify({ name: spec.name, arguments: spec.arguments });
      const prefix = `{"jsonrpc":"2.0","method":"tools/call","params":${params},"id":`;
      prepared = { prefix, prefixBytes: Buffer.byteLength(prefix) };
      this.prepared.set(spec, prepared);
    }
    return prepared;
  }

  private post(body: string, bytes: number): Promise<{ status?: number; contentType?: string; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: this.host,
          port: this.port,
          path: this.path,
          method: 'POST',
          agent: this.agent,
          headers: { ...this.headers, 'content-length': bytes },
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('error', reject);
          // A connection closed mid-answer must not pass for a complete (shorter) body.
          res.on('close', () => {
            if (!res.complete) reject(new Error(`POST ${this.path}: the answer was cut off`));
          });
          res.on('end', () =>
            resolve({ status: res.statusCode, contentType: res.headers['content-type'], body: text }),
          );
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  }
}
