import { Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { LoggingLevel } from '@modelcontextprotocol/sdk/types.js';
import { BackendUnavailableError, describe, type Backend } from '@gateway/backends';
import type { SessionDownstream } from '../sessions/session-downstream.js';
import { SharedConnectionRouter } from '../sessions/shared-connection.router.js';
import { SchemaValidator } from '../tools/schema-validator.js';
import { forwardRequest } from './request-forwarder.js';

/**
 * A transparent MCP endpoint for one backend: the backend's own server info, capabilities and instructions, and
 * every request forwarded untouched (tools, resources, prompts, completions, logging, tasks).
 */
@Injectable()
export class DirectServerFactory {
  constructor(
    private readonly shared: SharedConnectionRouter,
    private readonly validator: SchemaValidator,
  ) {}

  /** Connects the backend first: its capabilities are what this endpoint declares. */
  async create(backend: Backend, downstream: SessionDownstream): Promise<Server> {
    // A backend that cannot start is unavailable (HTTP 503 naming it), not a fault of the gateway's (500).
    await backend.start().catch((error: unknown) => {
      throw error instanceof BackendUnavailableError
        ? error
        : new BackendUnavailableError(backend.name, describe(error));
    });
    const info = backend.serverInfo ?? { name: backend.name, version: '0.0.0' };
    const server = new Server(info, {
      capabilities: backend.capabilities ?? {},
      instructions: backend.instructions,
      jsonSchemaValidator: this.validator.forServers,
    });
    // The SDK answers logging/setLevel itself when logging is declared; the backend must get it instead.
    server.removeRequestHandler('logging/setLevel');
    server.fallbackRequestHandler = (request, extra) => {
      const params = request.params;
      if (!backend.wantsOwnConnection(downstream)) {
        // On a shared connection these are per-session state the router keeps.
        const id = downstream.sessionId;
        if (request.method === 'logging/setLevel') {
          return this.shared.setLevel(backend, id, params?.level as LoggingLevel, extra);
        }
        if (request.method === 'resources/subscribe')
          return this.shared.subscribe(backend, id, params?.uri as string, extra);
        if (request.method === 'resources/unsubscribe') {
          return this.shared.unsubscribe(backend, id, params?.uri as string, extra);
        }
      }
      return forwardRequest(backend, request.method, params, extra, downstream);
    };
    // Notifications from the client (roots/list_changed, ...) go to the connection that serves it.
    server.fallbackNotificationHandler = (notification) =>
      backend.notify(notification.method, notification.params, downstream.forBackend()).catch(() => undefined);
    downstream.onClose(() => this.shared.forget(backend.name, downstream.sessionId));
    return server;
  }
}
