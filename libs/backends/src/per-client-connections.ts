import { Logger } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Implementation } from '@modelcontextprotocol/sdk/types.js';
import { sessionTag, type BackendConfig } from '@gateway/config';
import { callbackCapabilities, type DownstreamClient } from './downstream-client.js';
import type { BackendConnector, Connection } from './transports/backend-connector.js';

export interface PerClientConnectionsOptions {
  name: string;
  config: BackendConfig;
  connector: BackendConnector;
  clientInfo: Implementation;
  connectTimeoutMs: number;
  logger: Logger;
  /** A session that wanted a connection of its own was given the shared one (the cap was reached). */
  onFallback: () => void;
}

interface Entry {
  connection: Promise<Connection>;
  /** Requests on it now: it is never closed for idleness while one runs. */
  inFlight: number;
  lastUsedAt: number;
  idleTimer?: NodeJS.Timeout;
}

/**
 * A backend's connections that each serve one client session: they advertise exactly the callbacks that client
 * declared, and everything the backend sends on them (sampling, elicitation and roots requests, notifications)
 * goes to that client alone. Each ends with its client session, or after `client_connection_idle` without a
 * request. At most `max_client_connections` are open (each may be a process); a session beyond that uses the
 * shared connection for its lifetime, which is logged and counted.
 */
export class PerClientConnections {
  private readonly entries = new Map<string, Entry>();
  /** Sessions told to share, so the decision (and its log line) is made once per session. */
  private readonly sharing = new Set<string>();
  /** Sessions whose end is already watched. */
  private readonly watched = new Set<string>();

  constructor(private readonly options: PerClientConnectionsOptions) {}

  get size(): number {
    return this.entries.size;
  }

  /** Whether this session is served by a connection of its own: it has one, or the cap allows another. */
  admits(downstream: DownstreamClient): boolean {
    const id = downstream.sessionId;
    if (this.entries.has(id)) return true;
    if (this.sharing.has(id)) return false;
    const cap = this.options.config.max_client_connections;
    if (this.entries.size < cap) return true;
    this.sharing.add(id);
    this.watch(downstream);
    this.options.logger.warn(
      `session ${sessionTag(id)} uses the shared connection: max_client_connections (${cap}) reached; ` +
        `this backend's sampling, elicitation and roots requests cannot reach that client`,
    );
    this.options.onFallback();
    return false;
  }

  /** The session's connection, opened on first use; pass what it returns to release() once the request is done. */
  acquire(downstream: DownstreamClient): Promise<Connection> {
    const id = downstream.sessionId;
    let entry = this.entries.get(id);
    if (!entry) {
      const connection = this.open(downstream);
      const opened: Entry = { connection, inFlight: 0, lastUsedAt: Date.now() };
      entry = opened;
      this.entries.set(id, opened);
      const forget = () => {
        if (this.entries.get(id) !== opened) return;
        clearTimeout(opened.idleTimer);
        this.entries.delete(id);
      };
      connection.then((open) => (open.client.onclose = forget), forget);
      this.watch(downstream);
    }
    entry.inFlight++;
    entry.lastUsedAt = Date.now();
    return entry.connection;
  }

  release(sessionId: string, acquired: Promise<Connection>): void {
    const entry = this.entries.get(sessionId);
    if (entry?.connection !== acquired) return;
    entry.inFlight = Math.max(0, entry.inFlight - 1);
    entry.lastUsedAt = Date.now();
    if (entry.inFlight === 0 && !entry.idleTimer) this.scheduleIdleCheck(sessionId, entry);
  }

  /** The connection of this session if it has one already (for notifications the client sends). */
  existing(sessionId: string): Promise<Connection> | undefined {
    return this.entries.get(sessionId)?.connection;
  }

  async close(sessionId: string): Promise<void> {
    const entry = this.entries.get(sessionId);
    this.entries.delete(sessionId);
    if (!entry) return;
    clearTimeout(entry.idleTimer);
    const open = await entry.connection.catch(() => undefined);
    await open?.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.entries.keys()].map((id) => this.close(id)));
  }

  private watch(downstream: DownstreamClient): void {
    const id = downstream.sessionId;
    if (this.watched.has(id)) return;
    this.watched.add(id);
    downstream.onClose(() => {
      this.watched.delete(id);
      this.sharing.delete(id);
      void this.close(id);
    });
  }

  /** One timer per idle connection, re-armed for the rest of the idle time when it was used meanwhile. */
  private scheduleIdleCheck(sessionId: string, entry: Entry): void {
    const idleMs = this.options.config.client_connection_idle;
    if (idleMs <= 0) return;
    const due = entry.lastUsedAt + idleMs - Date.now();
    entry.idleTimer = setTimeout(
      () => {
        entry.idleTimer = undefined;
        if (this.entries.get(sessionId) !== entry || entry.inFlight > 0) return;
        if (Date.now() - entry.lastUsedAt < idleMs) return this.scheduleIdleCheck(sessionId, entry);
        this.options.logger.log(`session ${sessionTag(sessionId)}: own connection idle for ${idleMs} ms; closed`);
        void this.close(sessionId);
      },
      Math.max(0, due),
    );
    entry.idleTimer.unref();
  }

  private async open(downstream: DownstreamClient): Promise<Connection> {
    const { name, config, connector, clientInfo, connectTimeoutMs, logger } = this.options;
    const capabilities = callbackCapabilities(downstream.capabilities);
    const connection = await connector.connect({
      name,
      config,
      timeoutMs: connectTimeoutMs,
      // Only legacy backends get connections per client: a modern one asks for input in its results.
      protocol: 'legacy',
      createClient: () => {
        const client = new Client(clientInfo, { capabilities });
        client.fallbackRequestHandler = (request, extra) =>
          downstream.request(request.method, request.params, extra.signal);
        client.fallbackNotificationHandler = (notification) =>
          downstream.notify(notification.method, notification.params);
        return client;
      },
      onStderrLine: (line) => logger.log(`[session ${sessionTag(downstream.sessionId)}] ${line}`),
    });
    logger.log(`own connection via ${connection.kind} for session ${sessionTag(downstream.sessionId)}`);
    return connection;
  }
}
