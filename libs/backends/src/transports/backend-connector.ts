import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { BackendConfig, BackendProtocolSetting } from '@gateway/config';

/** The built-in transports, or the kind of a connector a host registered. */
export type ConnectedKind = 'stdio' | 'streamable_http' | 'sse' | (string & {});

export interface ConnectRequest {
  name: string;
  config: BackendConfig;
  /**
   * A fresh SDK client; a connector that falls back to another transport asks for a second one. With `protocol`
   * other than `legacy` it probes the backend's era at connect (see EraClient): over `transport: 'stdio'` (the
   * default) a legacy answer continues with `initialize` on the same connection; over `'http'` the client throws
   * LegacyBackendError and the connector starts over with a legacy client.
   */
  createClient: (options?: { protocol?: BackendProtocolSetting; transport?: 'stdio' | 'http' }) => Client;
  /** The era to speak, overriding the backend's `protocol` setting (a cached verdict, or `legacy` for per-client connections). */
  protocol?: BackendProtocolSetting;
  /** Bound on the whole connect, including the MCP initialize handshake. */
  timeoutMs: number;
  onStderrLine: (line: string) => void;
  /** Aborted when the backend stops mid-connect (shutdown): the attempt ends at once and its process with it. */
  signal?: AbortSignal;
}

/** What a transport knows of the traffic it receives (stdio): a backend sending data is alive. */
export interface TransportActivity {
  /** Date.now() of the last bytes received; 0 before any. */
  readonly lastReceivedAt: number;
  /** Part of a message has arrived, not yet its end. */
  readonly receiving: boolean;
}

export interface Connection {
  client: Client;
  transport: Transport;
  kind: ConnectedKind;
  /** Process group leader of a stdio backend. */
  pid?: number;
  activity?: TransportActivity;
  /** Ends the connection politely: DELETE for an HTTP session, the whole process group for stdio. */
  close(): Promise<void>;
}

/** One strategy per transport kind, all provided under BACKEND_CONNECTORS and chosen by the backend's config. */
export interface BackendConnector {
  readonly kinds: ReadonlyArray<BackendConfig['kind']>;
  connect(request: ConnectRequest): Promise<Connection>;
  /**
   * Problems with a backend's `options` (custom transports), each naming its key path under `path`
   * (`backends.x.options.url: must be a URL`); the gateway refuses to start with them, like any config problem.
   */
  validate?(options: Record<string, unknown>, path: string): string[];
}

export const BACKEND_CONNECTORS = Symbol('BACKEND_CONNECTORS');

/** Connectors a host adds (GatewayModule's `connectors` option), consulted before the built-in ones. */
export const EXTRA_BACKEND_CONNECTORS = Symbol('EXTRA_BACKEND_CONNECTORS');
