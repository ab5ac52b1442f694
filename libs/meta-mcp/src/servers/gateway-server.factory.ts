import { Injectable } from '@nestjs/common';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ErrorCode,
  ListToolsRequestSchema,
  type Implementation,
  type Result,
  type ServerCapabilities,
} from '@modelcontextprotocol/sdk/types.js';
import { GatewayConfig, gatewayPackage } from '@gateway/config';
import { AggregatedCatalogService } from '../aggregated/aggregated-catalog.service.js';
import { AggregatedToolsService } from '../aggregated/aggregated-tools.service.js';
import { SharedConnectionRouter } from '../sessions/shared-connection.router.js';
import { META_INSTRUCTIONS, META_TOOLS } from '../tools/meta-tools.definitions.js';
import { MetaToolsService } from '../tools/meta-tools.service.js';
import { protocolError } from '../tools/protocol-error.js';
import { SchemaValidator } from '../tools/schema-validator.js';
import type { SessionDownstream } from '../sessions/session-downstream.js';
import type { HandlerExtra } from './request-forwarder.js';

/** The MCP server behind /mcp: the four meta-tools, or (meta_mcp.enabled: false) every backend tool namespaced. */
@Injectable()
export class GatewayServerFactory {
  constructor(
    private readonly config: GatewayConfig,
    private readonly metaTools: MetaToolsService,
    private readonly aggregated: AggregatedToolsService,
    private readonly catalog: AggregatedCatalogService,
    private readonly shared: SharedConnectionRouter,
    private readonly validator: SchemaValidator,
  ) {}

  get metaMode(): boolean {
    return this.config.meta_mcp.enabled;
  }

  /** What /mcp declares, in both eras (initialize and server/discover). */
  get capabilities(): ServerCapabilities {
    return {
      tools: { listChanged: !this.metaMode },
      resources: { subscribe: true, listChanged: true },
      prompts: { listChanged: true },
      completions: {},
      logging: {},
    };
  }

  get instructions(): string | undefined {
    return this.metaMode ? META_INSTRUCTIONS : undefined;
  }

  create(downstream: SessionDownstream): Server {
    const server = new Server(gatewayInfo(), {
      capabilities: this.capabilities,
      instructions: this.instructions,
      jsonSchemaValidator: this.validator.forServers,
    });
    server.setRequestHandler(ListToolsRequestSchema, async () => ({
      tools: this.metaMode ? META_TOOLS : await this.aggregated.listTools(downstream.gate?.access),
    }));
    // tools/call goes through the fallback so a backend's result reaches the client as the backend sent it
    // (the SDK's own tools/call handler re-parses results and would normalize them).
    server.fallbackRequestHandler = (request, extra) => this.serve(request.method, request.params, extra, downstream);
    return server;
  }

  /** A /mcp request beyond the protocol's own (tools, resources, prompts, completions), in either era. */
  async serve(
    method: string,
    params: Record<string, unknown> | undefined,
    extra: HandlerExtra,
    downstream: SessionDownstream,
  ): Promise<Result> {
    if (method === 'tools/list') {
      return { tools: this.metaMode ? META_TOOLS : await this.aggregated.listTools(downstream.gate?.access) };
    }
    if (this.catalog.handles(method)) return this.resourceRequest(method, params, extra, downstream);
    if (method !== 'tools/call') throw protocolError(ErrorCode.MethodNotFound, `Method not found: ${method}`);
    const call = params ?? {};
    if (typeof call.name !== 'string') throw protocolError(ErrorCode.InvalidParams, 'tools/call needs params.name');
    return this.metaMode ? this.metaTools.call(call, extra, downstream) : this.aggregated.call(call, extra, downstream);
  }

  /** Subscriptions on a shared backend connection are kept per session by the router; the rest is aggregated. */
  private async resourceRequest(
    method: string,
    params: Record<string, unknown> | undefined,
    extra: HandlerExtra,
    downstream: SessionDownstream,
  ) {
    if (method !== 'resources/subscribe' && method !== 'resources/unsubscribe') {
      return this.catalog.handle(method, params, extra, downstream);
    }
    const uri = params?.uri as string;
    const backend = await this.catalog.owner(uri, extra, downstream);
    if (backend.wantsOwnConnection(downstream)) return this.catalog.handle(method, params, extra, downstream);
    return method === 'resources/subscribe'
      ? this.shared.subscribe(backend, downstream.sessionId, uri, extra)
      : this.shared.unsubscribe(backend, downstream.sessionId, uri, extra);
  }
}

/** The gateway's own server info on /mcp. */
export function gatewayInfo(): Implementation {
  return { name: 'mcp-gateway', title: 'MCP Gateway', version: gatewayPackage().version };
}
