import { Injectable } from '@nestjs/common';
import { ErrorCode, type CallToolResult, type Result, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { ALLOW_ALL, notPermitted, type Access } from '@gateway/auth';
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
    // What this client's roles let it see: servers, tools and search hits outside it do not exist for it.
    const access = downstream?.gate?.access ?? ALLOW_ALL;
    switch (name) {
      case 'gateway_list_servers':
        return this.listServers(access);
      case 'gateway_list_tools':
        return this.listTools(args.server as string, access, downstream);
      case 'gateway_search_tools':
        return this.search(
          args.query as string,
          (args.limit as number | undefined) ?? 10,
          args.server as string | undefined,
          access,
        );
      default:
        return this.invoke(args, passedOn(params), extra, downstream, access);
    }
  }

  private visible(access: Access): Backend[] {
    return this.registry.list().filter((backend) => access.mayUse(backend.name));
  }

  private listServers(access: Access): CallToolResult {
    const servers = this.visible(access).map((backend) => {
      const allowed = (tool: Tool) => access.allows(backend.name, 'tool', tool.name);
      const status = backend.status();
      return {
        name: status.name,
        description: status.description,
        transport: status.transport,
        status: status.state,
        tools_count: backend.catalog.list
          ? access === ALLOW_ALL
            ? status.tools_cached
            : backend.catalog.list.filter(allowed).length
          : null,
      };
    });
    return structured({ servers });
  }

  /** The tools as this client's calls would find them: on its own backend connection when it has one. */
  private async listTools(server: string, access: Access, downstream?: SessionDownstream): Promise<CallToolResult> {
    const backend = this.registry.find(server);
    if (!backend || !access.mayUse(server)) return toolError(this.unknownServer(server, access));
    try {
      const offered = await backend.toolsFor(downstream?.forBackend());
      const listed = offered.filter((tool) => access.allows(server, 'tool', tool.name));
      const tools = listed.map(({ name, description, inputSchema, annotations }) => ({
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

  private async search(
    query: string,
    limit: number,
    server: string | undefined,
    access: Access,
  ): Promise<CallToolResult> {
    if (server !== undefined && (!this.registry.find(server) || !access.mayUse(server))) {
      return toolError(this.unknownServer(server, access));
    }
    const started = performance.now();
    const allow =
      access === ALLOW_ALL ? undefined : (backend: string, tool: string) => access.allows(backend, 'tool', tool);
    const { matches, total, partial } = await this.index.search(query, { limit, server, allow });
    this.metrics.observeSearch((performance.now() - started) / 1000);
    // An empty answer, or one of near spellings only, must still tell the model what to do next.
    if (total === 0 || partial) {
      const servers = this.visible(access).map((backend) => backend.name);
      return structured({ query, matches, total, hint: NO_MATCH_HINT(servers) });
    }
    return structured({ query, matches, total });
  }

  private async invoke(
    args: Record<string, unknown>,
    passed: Record<string, unknown>,
    extra: HandlerExtra,
    downstream: SessionDownstream | undefined,
    access: Access,
  ): Promise<Result> {
    const server = args.server as string;
    const toolName = args.tool as string;
    const toolArgs = (args.arguments ?? {}) as Record<string, unknown>;
    const backend = this.registry.find(server);
    if (!backend || !access.mayUse(server)) return toolError(this.unknownServer(server, access));
    if (!access.allows(server, 'tool', toolName)) {
      // Refused before the backend is asked, and without saying whether such a tool exists.
      downstream?.gate?.denied({
        backend: server,
        method: 'tools/call',
        params: { name: toolName },
        requestId: extra.requestId,
      });
      return toolError(notPermitted(server, toolName).message);
    }
    let tool: Tool | undefined;
    try {
      tool =
        backend.catalog.find(toolName) ??
        (await backend.toolsFor(downstream?.forBackend())).find((t) => t.name === toolName);
    } catch (error) {
      return toolError(this.unavailable(backend, error));
    }
    if (!tool) return toolError(this.unknownTool(backend, toolName, access));
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
        { name: toolName, arguments: toolArgs, ...passed },
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

  private unknownServer(server: string, access: Access = ALLOW_ALL): string {
    const known = this.visible(access).map((backend) => backend.name);
    return `Unknown server "${server}". Known servers: ${known.join(', ') || 'none'}.`;
  }

  private unknownTool(backend: Backend, name: string, access: Access): string {
    const names = (backend.catalog.list ?? [])
      .filter((tool) => access.allows(backend.name, 'tool', tool.name))
      .map((tool) => tool.name);
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

/**
 * What of the gateway_invoke call itself the backend's call carries: `_meta` (progress token, trace context) and a
 * modern client's retry of an `input_required` result (`inputResponses`, `requestState`), so that the backend's own
 * multi round-trip request passes through gateway_invoke.
 */
function passedOn(params: Record<string, unknown>): Record<string, unknown> {
  const { _meta, inputResponses, requestState } = params;
  return {
    ...(_meta ? { _meta } : {}),
    ...(inputResponses !== undefined ? { inputResponses } : {}),
    ...(requestState !== undefined ? { requestState } : {}),
  };
}
