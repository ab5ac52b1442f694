import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { BackendConfig } from '@gateway/config';

export type ConnectedKind = 'stdio' | 'streamable_http' | 'sse';

export interface ConnectRequest {
  name: string;
  config: BackendConfig;
  /** A fresh SDK client; a connector that falls back to another transport asks for a second one. */
  createClient: () => Client;
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
}

export const BACKEND_CONNECTORS = Symbol('BACKEND_CONNECTORS');
