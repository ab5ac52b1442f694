import { Logger } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Implementation } from '@modelcontextprotocol/sdk/types.js';
import type { BackendConfig } from '@gateway/config';
import { callbackCapabilities, type DownstreamClient } from './downstream-client.js';
import type { BackendConnector, Connection } from './transports/backend-connector.js';

/**
 * A backend's connections that each serve one client session: they advertise exactly the callbacks that client
 * declared, and everything the backend sends on them (sampling, elicitation and roots requests, notifications)
 * goes to that client alone. Each ends with its client session.
 */
export class PerClientConnections {
  private readonly connections = new Map<string, Promise<Connection>>();

  constructor(
    private readonly name: string,
    private readonly config: BackendConfig,
    private readonly connector: BackendConnector,
    private readonly clientInfo: Implementation,
    private readonly connectTimeoutMs: number,
    private readonly logger: Logger,
  ) {}

  get size(): number {
    return this.connections.size;
  }

  get(downstream: DownstreamClient): Promise<Connection> {
    const id = downstream.sessionId;
    const known = this.connections.get(id);
    if (known) return known;
    const connection = this.open(downstream);
    this.connections.set(id, connection);
    const forget = () => {
      if (this.connections.get(id) === connection) this.connections.delete(id);
    };
    connection.then((open) => (open.client.onclose = forget), forget);
    downstream.onClose(() => void this.close(id));
    return connection;
  }

  /** The connection of this session if it has one already (for notifications the client sends). */
  existing(sessionId: string): Promise<Connection> | undefined {
    return this.connections.get(sessionId);
  }

  async close(sessionId: string): Promise<void> {
    const connection = this.connections.get(sessionId);
    this.connections.delete(sessionId);
    const open = await connection?.catch(() => undefined);
    await open?.close().catch(() => undefined);
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.connections.keys()].map((id) => this.close(id)));
  }

  private async open(downstream: DownstreamClient): Promise<Connection> {
    const capabilities = callbackCapabilities(downstream.capabilities);
    const connection = await this.connector.connect({
      name: this.name,
      config: this.config,
      timeoutMs: this.connectTimeoutMs,
      createClient: () => {
        const client = new Client(this.clientInfo, { capabilities });
        client.fallbackRequestHandler = (request, extra) =>
          downstream.request(request.method, request.params, extra.signal);
        client.fallbackNotificationHandler = (notification) =>
          downstream.notify(notification.method, notification.params);
        return client;
      },
      onStderrLine: (line) => this.logger.log(`[session ${downstream.sessionId.slice(0, 8)}] ${line}`),
    });
    this.logger.log(`own connection via ${connection.kind} for session ${downstream.sessionId.slice(0, 8)}`);
    return connection;
  }
}
