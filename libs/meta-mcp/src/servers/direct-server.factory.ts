import { Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import type { Backend } from '@gateway/backends';
import { forwardRequest } from './request-forwarder.js';

/**
 * A transparent MCP endpoint for one backend: the backend's own server info, capabilities and instructions, and
 * every request forwarded untouched (tools, resources, prompts, completions, logging).
 */
@Injectable()
export class DirectServerFactory {
  /** Connects the backend first: its capabilities are what this endpoint declares. */
  async create(backend: Backend): Promise<Server> {
    await backend.start();
    const info = backend.serverInfo ?? { name: backend.name, version: '0.0.0' };
    const server = new Server(info, { capabilities: backend.capabilities ?? {}, instructions: backend.instructions });
    // The SDK answers logging/setLevel itself when logging is declared; the backend must get it instead.
    server.removeRequestHandler('logging/setLevel');
    server.fallbackRequestHandler = (request, extra) => forwardRequest(backend, request.method, request.params, extra);
    return server;
  }
}
