import type { ConnectedKind } from './transports/backend-connector.js';

/** `hibernating`: an idle stdio backend stopped to save resources; it starts again on the next request. */
export type BackendState = 'stopped' | 'starting' | 'ready' | 'failed' | 'hibernating';

/** What /health and the meta-tools show of a backend; never holds env or header values. */
export interface BackendStatus {
  name: string;
  description: string;
  state: BackendState;
  running: boolean;
  transport: ConnectedKind | 'streamable_http|sse';
  tools_cached: number;
  request_count: number;
  error_count: number;
  restarts: number;
  last_error?: string;
  server?: { name: string; version: string };
  /** The protocol revision spoken with the backend (`2026-07-28` for a modern one), once connected. */
  protocol?: string;
}
