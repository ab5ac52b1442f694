import { Injectable } from '@nestjs/common';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { connectClient } from './connect-client.js';
import { StreamableHttpClientTransport } from './streamable-http-client.transport.js';
import type { BackendConnector, ConnectRequest, Connection, ConnectedKind } from './backend-connector.js';

/** Status codes with which a legacy SSE-only server answers a Streamable HTTP POST (per the spec's compatibility rules). */
const FALLBACK_STATUSES = new Set([400, 404, 405]);

/** Streamable HTTP and SSE backends; with no `transport` set, tries Streamable HTTP and falls back to SSE. */
@Injectable()
export class HttpConnector implements BackendConnector {
  readonly kinds = ['streamable_http', 'sse', 'auto'] as const;

  async connect(request: ConnectRequest): Promise<Connection> {
    const kind = request.config.kind;
    if (kind === 'sse') return this.connectWith('sse', request);
    try {
      return await this.connectWith('streamable_http', request);
    } catch (error) {
      if (kind === 'auto' && error instanceof StreamableHTTPError && FALLBACK_STATUSES.has(error.code ?? 0)) {
        return this.connectWith('sse', request);
      }
      throw error;
    }
  }

  private async connectWith(kind: Exclude<ConnectedKind, 'stdio'>, request: ConnectRequest): Promise<Connection> {
    const url = new URL(request.config.http_url!);
    const headers = request.config.headers;
    const transport: Transport =
      kind === 'sse'
        ? new SSEClientTransport(url, {
            requestInit: { headers },
            eventSourceInit: {
              fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
            },
          })
        : new StreamableHttpClientTransport(url, { headers, name: request.name });
    const client = request.createClient();
    await connectClient(client, transport, request.timeoutMs, request.signal);
    const close = async () => {
      if (transport instanceof StreamableHttpClientTransport) await transport.terminateSession().catch(() => undefined);
      await client.close();
    };
    return { client, transport, kind, close };
  }
}
