import { Injectable } from '@nestjs/common';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { LegacyBackendError, ModernOnlyBackendError } from '../era/era-client.js';
import { MODERN_PROTOCOL_VERSION, supportedVersionsOf, UNSUPPORTED_PROTOCOL_VERSION } from '../era/modern-protocol.js';
import { connectClient } from './connect-client.js';
import { ModernHttpTransport } from './modern-http.transport.js';
import { StreamableHttpClientTransport } from './streamable-http-client.transport.js';
import type { BackendConnector, ConnectRequest, Connection, ConnectedKind } from './backend-connector.js';

/** Status codes with which a legacy SSE-only server answers a Streamable HTTP POST (per the spec's compatibility rules). */
const FALLBACK_STATUSES = new Set([400, 404, 405]);

/**
 * Streamable HTTP and SSE backends. Unless `protocol: legacy`, a modern request (`server/discover`) comes first: a
 * modern answer gives a sessionless connection; a refusal without modern evidence (a legacy server's 400, 404 or
 * 405) continues with `initialize`. With no `transport` set, a Streamable HTTP refusal falls back to SSE.
 */
@Injectable()
export class HttpConnector implements BackendConnector {
  readonly kinds = ['streamable_http', 'sse', 'auto'] as const;

  async connect(request: ConnectRequest): Promise<Connection> {
    const kind = request.config.kind;
    const protocol = request.protocol ?? request.config.protocol;
    if (kind !== 'sse' && protocol !== 'legacy') {
      try {
        return await this.connectModern(request);
      } catch (error) {
        if (!(error instanceof LegacyBackendError) || protocol === 'modern') throw error;
      }
    }
    if (kind === 'sse') return this.connectWith('sse', request);
    try {
      return await this.connectWith('streamable_http', request);
    } catch (error) {
      const modernOnly = modernOnlyRefusal(request.name, error);
      if (modernOnly) throw modernOnly;
      if (kind === 'auto' && error instanceof StreamableHTTPError && FALLBACK_STATUSES.has(error.code ?? 0)) {
        return this.connectWith('sse', request);
      }
      throw error;
    }
  }

  private async connectModern(request: ConnectRequest): Promise<Connection> {
    const url = new URL(request.config.http_url!);
    const transport = new ModernHttpTransport(url, { headers: request.config.headers, name: request.name });
    const client = request.createClient({ protocol: request.protocol ?? request.config.protocol, transport: 'http' });
    await connectClient(client, transport, request.timeoutMs, request.signal);
    return { client, transport, kind: 'streamable_http', close: () => client.close() };
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
    const client = request.createClient({ protocol: 'legacy', transport: 'http' });
    await connectClient(client, transport, request.timeoutMs, request.signal);
    const close = async () => {
      if (transport instanceof StreamableHttpClientTransport) await transport.terminateSession().catch(() => undefined);
      await client.close();
    };
    return { client, transport, kind, close };
  }
}

/** A modern-only server's HTTP 400 to `initialize` carries -32022 naming the modern revision in its body. */
function modernOnlyRefusal(backend: string, error: unknown): ModernOnlyBackendError | undefined {
  if (!(error instanceof StreamableHTTPError) || error.code !== 400) return undefined;
  const body = error.message.slice(error.message.indexOf('{'));
  try {
    const parsed = JSON.parse(body) as { error?: { code?: number; data?: unknown } };
    if (parsed.error?.code !== UNSUPPORTED_PROTOCOL_VERSION) return undefined;
    const supported = supportedVersionsOf(parsed.error.data);
    return supported.includes(MODERN_PROTOCOL_VERSION) ? new ModernOnlyBackendError(backend, supported) : undefined;
  } catch {
    return undefined;
  }
}
