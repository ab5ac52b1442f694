import { Injectable } from '@nestjs/common';
import { ErrorCode, type Result, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { ALLOW_ALL, notPermitted, type Access } from '@gateway/auth';
import { answeredByBackend, BackendRegistry } from '@gateway/backends';
import { forwardRequest, type HandlerExtra } from '../servers/request-forwarder.js';
import { protocolError } from '../tools/protocol-error.js';
import { backendFailureText } from '../tools/backend-failure.js';
import { toolError } from '../tools/tool-results.js';
import type { SessionDownstream } from '../sessions/session-downstream.js';
import { namespaceTools, type NamespacedTool } from './tool-namespace.js';

/** `meta_mcp.enabled: false`: every backend tool listed under a namespaced name, and calls routed back. */
@Injectable()
export class AggregatedToolsService {
  private routes = new Map<string, NamespacedTool>();
  private listed?: Tool[];
  /** The backend and tool behind each entry of `listed`, in the same order (for filtering per client). */
  private listedRoutes: NamespacedTool[] = [];

  constructor(private readonly registry: BackendRegistry) {
    // A backend's new tools, or a reload adding or removing one, changes the aggregated list.
    registry.watch(
      (backend) => {
        this.listed = undefined;
        backend.on('tools', () => (this.listed = undefined));
      },
      () => (this.listed = undefined),
    );
  }

  /** The tools `access` lets a client see; the cached list is everyone's, filtered on the way out. */
  async listTools(access: Access = ALLOW_ALL): Promise<Tool[]> {
    const all = await this.listAll();
    if (access === ALLOW_ALL) return all;
    return all.filter((_tool, index) =>
      access.allows(this.listedRoutes[index].backend, 'tool', this.listedRoutes[index].tool),
    );
  }

  /** Tools of every backend that has a catalog; ready backends without one are asked first. */
  private async listAll(): Promise<Tool[]> {
    if (this.listed) return this.listed;
    await Promise.all(
      this.registry
        .list()
        .filter((backend) => !backend.catalog.list && backend.state === 'ready')
        .map((backend) => backend.listTools().catch(() => undefined)),
    );
    const byKey = new Map<string, Tool>();
    const entries: Array<{ backend: string; tool: string }> = [];
    for (const backend of this.registry.list()) {
      for (const tool of backend.catalog.list ?? []) {
        byKey.set(`${backend.name}\u0000${tool.name}`, tool);
        entries.push({ backend: backend.name, tool: tool.name });
      }
    }
    const named = namespaceTools(entries);
    this.routes = new Map(named.map((entry) => [entry.name, entry]));
    this.listedRoutes = named;
    this.listed = named.map(({ name, backend, tool }) => ({ ...byKey.get(`${backend}\u0000${tool}`)!, name }));
    return this.listed;
  }

  async call(params: Record<string, unknown>, extra: HandlerExtra, downstream?: SessionDownstream): Promise<Result> {
    const name = params.name as string;
    if (!this.routes.has(name)) await this.listAll();
    const route = this.routes.get(name);
    if (!route) throw protocolError(ErrorCode.InvalidParams, `Unknown tool: ${name}`);
    const gate = downstream?.gate;
    if (gate && !gate.allows(route.backend, 'tool', route.tool)) {
      gate.denied({
        backend: route.backend,
        method: 'tools/call',
        params: { ...params, name: route.tool },
        requestId: extra.requestId,
      });
      throw notPermitted(route.backend, route.tool);
    }
    const backend = this.registry.get(route.backend);
    try {
      return await forwardRequest(backend, 'tools/call', { ...params, name: route.tool }, extra, downstream);
    } catch (error) {
      if (answeredByBackend(error)) {
        throw error;
      }
      return toolError(backendFailureText(route.backend, error, 'It is retried on the next call.'));
    }
  }
}
