import { Injectable } from '@nestjs/common';
import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import { ErrorCode, type Result } from '@modelcontextprotocol/sdk/types.js';
import { BackendRegistry, type Backend } from '@gateway/backends';
import { forwardRequest, type HandlerExtra } from '../servers/request-forwarder.js';
import type { SessionDownstream } from '../sessions/session-downstream.js';
import { protocolError } from '../tools/protocol-error.js';
import { decodeCursor, encodeCursor } from './backend-cursor.js';
import { namespaceTools } from './tool-namespace.js';

type Params = Record<string, unknown> | undefined;
type Capability = 'resources' | 'prompts' | 'completions';

const RESOURCE_NOT_FOUND = -32002;

/**
 * Resources, resource templates, prompts and completions of every backend on /mcp, backends in name order. Resource
 * URIs go back to the backend that listed them (or whose URI template matches); prompts are named
 * `{backend}__{prompt}`.
 */
@Injectable()
export class AggregatedCatalogService {
  private readonly resourceOwners = new Map<string, string>();
  private readonly templates = new Map<string, UriTemplate[]>();
  private prompts = new Map<string, { backend: string; prompt: string }>();

  constructor(private readonly registry: BackendRegistry) {}

  handles(method: string): boolean {
    return HANDLERS.has(method);
  }

  async handle(method: string, params: Params, extra: HandlerExtra, downstream: SessionDownstream): Promise<Result> {
    switch (method) {
      case 'resources/list':
        return this.list('resources', method, 'resources', params, extra, downstream, (backend, item) => {
          this.resourceOwners.set(item.uri as string, backend.name);
          return item;
        });
      case 'resources/templates/list':
        return this.list('resources', method, 'resourceTemplates', params, extra, downstream, (backend, item) => {
          const templates = this.templates.get(backend.name) ?? [];
          templates.push(new UriTemplate(item.uriTemplate as string));
          this.templates.set(backend.name, templates);
          return item;
        });
      case 'prompts/list':
        return this.listPrompts(params, extra, downstream);
      case 'prompts/get': {
        const route = await this.promptRoute(params?.name as string, extra, downstream);
        return forwardRequest(route.backend, method, { ...params, name: route.prompt }, extra, downstream);
      }
      case 'completion/complete':
        return this.complete(params, extra, downstream);
      default: {
        // resources/read, resources/subscribe, resources/unsubscribe
        const backend = await this.owner(params?.uri as string, extra, downstream);
        return forwardRequest(backend, method, params, extra, downstream);
      }
    }
  }

  /**
   * One page: the current page of every backend that still has one, fetched in parallel. A client that never
   * follows cursors still sees every backend; the cursor holds the backends' own cursors where they have more.
   */
  private async list(
    capability: Capability,
    method: string,
    key: string,
    params: Params,
    extra: HandlerExtra,
    downstream: SessionDownstream,
    adopt: (backend: Backend, item: Record<string, unknown>) => Record<string, unknown>,
  ): Promise<Result> {
    const backends = this.withCapability(capability);
    const cursor = params?.cursor as string | undefined;
    const positions = cursor === undefined ? undefined : decodeCursor(cursor);
    if (cursor !== undefined && !positions) throw protocolError(ErrorCode.InvalidParams, 'Invalid cursor');
    const targets = positions ? backends.filter((backend) => backend.name in positions) : backends;
    const pages = await Promise.all(
      targets.map((backend) => this.page(backend, method, positions?.[backend.name], extra, downstream)),
    );
    const items: Array<Record<string, unknown>> = [];
    const next: Record<string, string> = {};
    targets.forEach((backend, index) => {
      const page = pages[index];
      const listed = (page?.[key] as Array<Record<string, unknown>> | undefined) ?? [];
      items.push(...listed.map((item) => adopt(backend, item)));
      if (typeof page?.nextCursor === 'string') next[backend.name] = page.nextCursor;
    });
    return { [key]: items, ...(Object.keys(next).length ? { nextCursor: encodeCursor(next) } : {}) };
  }

  private async listPrompts(params: Params, extra: HandlerExtra, downstream: SessionDownstream): Promise<Result> {
    const result = await this.list(
      'prompts',
      'prompts/list',
      'prompts',
      params,
      extra,
      downstream,
      (backend, item) => ({
        ...item,
        name: this.promptName(backend.name, item.name as string),
      }),
    );
    return result;
  }

  private promptName(backend: string, prompt: string): string {
    for (const [name, route] of this.prompts) if (route.backend === backend && route.prompt === prompt) return name;
    const all = [...this.prompts.values(), { backend, prompt }].map(({ backend: b, prompt: p }) => ({
      backend: b,
      tool: p,
    }));
    this.prompts = new Map(
      namespaceTools(all).map((entry) => [entry.name, { backend: entry.backend, prompt: entry.tool }]),
    );
    return [...this.prompts].find(([, route]) => route.backend === backend && route.prompt === prompt)![0];
  }

  private async promptRoute(name: string, extra: HandlerExtra, downstream: SessionDownstream) {
    if (!this.prompts.has(name)) await this.listAll('prompts/list', extra, downstream);
    const route = this.prompts.get(name);
    if (!route) throw protocolError(ErrorCode.InvalidParams, `Unknown prompt: ${name}`);
    return { backend: this.registry.get(route.backend), prompt: route.prompt };
  }

  private async complete(params: Params, extra: HandlerExtra, downstream: SessionDownstream): Promise<Result> {
    const ref = (params?.ref ?? {}) as Record<string, unknown>;
    if (ref.type === 'ref/prompt') {
      const route = await this.promptRoute(ref.name as string, extra, downstream);
      return forwardRequest(
        route.backend,
        'completion/complete',
        { ...params, ref: { ...ref, name: route.prompt } },
        extra,
        downstream,
      );
    }
    const backend = await this.owner(ref.uri as string, extra, downstream);
    return forwardRequest(backend, 'completion/complete', params, extra, downstream);
  }

  /** The backend that listed a URI, else the one whose template matches, else the only backend with resources. */
  async owner(uri: string, extra: HandlerExtra, downstream: SessionDownstream): Promise<Backend> {
    if (typeof uri !== 'string') throw protocolError(ErrorCode.InvalidParams, 'params.uri must be a string');
    if (!this.resourceOwners.has(uri) && this.templates.size === 0) {
      await this.listAll('resources/list', extra, downstream);
      await this.listAll('resources/templates/list', extra, downstream);
    }
    const owner =
      this.resourceOwners.get(uri) ??
      [...this.templates].find(([, templates]) => templates.some((template) => template.match(uri)))?.[0];
    if (owner) return this.registry.get(owner);
    const candidates = this.withCapability('resources');
    if (candidates.length === 1) return candidates[0];
    throw protocolError(RESOURCE_NOT_FOUND, `Resource not found: ${uri} (no backend listed it)`);
  }

  private async listAll(method: string, extra: HandlerExtra, downstream: SessionDownstream): Promise<void> {
    let cursor: string | undefined;
    do {
      const page = await this.handle(method, cursor ? { cursor } : undefined, extra, downstream);
      cursor = page.nextCursor as string | undefined;
    } while (cursor);
  }

  private async page(
    backend: Backend,
    method: string,
    cursor: string | undefined,
    extra: HandlerExtra,
    downstream: SessionDownstream,
  ) {
    try {
      return await forwardRequest(backend, method, cursor ? { cursor } : undefined, extra, downstream);
    } catch {
      // A backend that cannot list right now leaves the others' listings intact.
      return undefined;
    }
  }

  private withCapability(capability: Capability): Backend[] {
    return this.registry
      .list()
      .filter((backend) => backend.state === 'ready' && backend.capabilities?.[capability])
      .sort((a, b) => (a.name < b.name ? -1 : 1));
  }
}

const HANDLERS = new Set([
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
]);
