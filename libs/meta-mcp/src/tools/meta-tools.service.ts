import { Injectable } from '@nestjs/common';
import { ErrorCode, type CallToolResult, type Result, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { answeredByBackend, BackendRegistry, describe, type Backend } from '@gateway/backends';
import { editDistance } from '@gateway/config';
import { GatewayMetrics } from '@gateway/metrics';
import { forwardRequest, type HandlerExtra } from '../servers/request-forwarder.js';
import { backendFailureText } from './backend-failure.js';
import { META_TOOLS } from './meta-tools.definitions.js';
import { describeArgumentProblem, protocolError } from './protocol-error.js';
import { SchemaValidator } from './schema-validator.js';
import { ToolIndexService } from './tool-index.service.js';
import { structured, toolError } from './tool-results.js';
import type { SessionDownstream } from '../sessions/session-downstream.js';

const META_BY_NAME = new Map(META_TOOLS.map((tool) => [tool.name, tool]));

const NO_MATCH_HINT = (servers: string[]) =>
  'No tool matched these words. Search again with the words a tool would use for its action and the things it ' +
  `works on, or browse with gateway_list_tools. Servers: ${servers.join(', ') || 'none'}.`;

/** The four meta-tools of /mcp. Bad arguments to a meta-tool are protocol errors; every backend problem is a tool error. */
@Injectable()
export class MetaToolsService {
  constructor(
    private readonly registry: BackendRegistry,
    private readonly index: ToolIndexService,
    private readonly validator: SchemaValidator,
    private readonly metrics: GatewayMetrics,
  ) {}

  async call(params: Record<string, unknown>, extra: HandlerExtra, downstream?: SessionDownstream): Promise<Result> {
    const name = params.name as string;
    const args = (params.arguments ?? {}) as Record<string, unknown>;
    const tool = META_BY_NAME.get(name);
    if (!tool)
      throw protocolError(
        ErrorCode.InvalidParams,
        `Unknown tool: ${name}. Tools: ${[...META_BY_NAME.keys()].join(', ')}`,
      );
    const problem = this.validator.check(tool.inputSchema, args);
    if (problem)
      throw protocolError(
        ErrorCode.InvalidParams,
        `Invalid arguments for ${name}: ${describeArgumentProblem(problem)}`,
      );
    switch (name) {
      case 'gateway_list_servers':
        return this.listServers();
      case 'gateway_list_tools':
        return this.listTools(args.server as string);
      case 'gateway_search_tools':
        return this.search(
          args.query as string,
          (args.limit as number | undefined) ?? 10,
          args.server as string | undefined,
        );
      default:
        return this.invoke(args, params._meta as Record<string, unknown> | undefined, extra, downstream);
    }
  }

  private listServers(): CallToolResult {
    const servers = this.registry.list().map((backend) => {
      const status = backend.status();
      return {
        name: status.name,
        description: status.description,
        transport: status.transport,
        status: status.state,
        tools_count: backend.catalog.list ? status.tools_cached : null,
      };
    });
    return structured({ servers });
  }

  private async listTools(server: string): Promise<CallToolResult> {
    const backend = this.registry.find(server);
    if (!backend) return toolError(this.unknownServer(server));
    try {
      const tools = (await backend.listTools()).map(({ name, description, inputSchema, annotations }) => ({
        name,
        description,
        inputSchema,
        ...(annotations ? { annotations } : {}),
      }));
      return structured({ server, tools });
    } catch (error) {
      return toolError(this.unavailable(backend, error));
    }
  }

  private async search(query: string, limit: number, server: string | undefined): Promise<CallToolResult> {
    if (server !== undefined && !this.registry.find(server)) return toolError(this.unknownServer(server));
    const started = performance.now();
    const { matches, total, partial } = await this.index.search(query, { limit, server });
    this.metrics.observeSearch((performance.now() - started) / 1000);
    // An empty answer, or one of near spellings only, must still tell the model what to do next.
    if (total === 0 || partial)
      return structured({ query, matches, total, hint: NO_MATCH_HINT(this.registry.names()) });
    return structured({ query, matches, total });
  }

  private async invoke(
    args: Record<string, unknown>,
    meta: Record<string, unknown> | undefined,
    extra: HandlerExtra,
    downstream: SessionDownstream | undefined,
  ): Promise<Result> {
    const server = args.server as string;
    const toolName = args.tool as string;
    const toolArgs = (args.arguments ?? {}) as Record<string, unknown>;
    const backend = this.registry.find(server);
    if (!backend) return toolError(this.unknownServer(server));
    let tool: Tool | undefined;
    try {
      tool = backend.catalog.find(toolName) ?? (await backend.toolsFor(downstream)).find((t) => t.name === toolName);
    } catch (error) {
      return toolError(this.unavailable(backend, error));
    }
    if (!tool) return toolError(this.unknownTool(backend, toolName));
    const problem = this.validator.check(tool.inputSchema, toolArgs);
    if (problem) {
      return toolError(
        `Invalid arguments for ${server}/${toolName}: ${describeArgumentProblem(problem)}. Expected: ${JSON.stringify(tool.inputSchema)}`,
      );
    }
    try {
      return await forwardRequest(
        backend,
        'tools/call',
        { name: toolName, arguments: toolArgs, ...(meta ? { _meta: meta } : {}) },
        extra,
        downstream,
      );
    } catch (error) {
      if (answeredByBackend(error)) {
        return toolError(`Server ${server} answered ${toolName} with error ${error.code}: ${describe(error)}`);
      }
      return toolError(this.unavailable(backend, error));
    }
  }

  private unknownServer(server: string): string {
    const known = this.registry.names();
    return `Unknown server "${server}". Known servers: ${known.join(', ') || 'none'}.`;
  }

  private unknownTool(backend: Backend, name: string): string {
    const names = backend.catalog.list?.map((tool) => tool.name) ?? [];
    const closest = names
      .map((candidate) => ({ candidate, distance: editDistance(name.toLowerCase(), candidate.toLowerCase()) }))
      .sort((a, b) => a.distance - b.distance)
      .slice(0, 3)
      .map(({ candidate }) => candidate);
    const hint = closest.length ? ` Closest: ${closest.join(', ')}.` : '';
    return `Server ${backend.name} has no tool "${name}".${hint} Use gateway_search_tools to find tools.`;
  }

  private unavailable(backend: Backend, error: unknown): string {
    return backendFailureText(
      backend.name,
      error,
      'The gateway reconnects in the background and on the next call; try again shortly or use another server.',
    );
  }
}
