import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { SUBSCRIPTION_ID_META_KEY } from '@modelcontextprotocol/server';
import type { JSONRPCRequest, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Access } from '@gateway/auth';
import { BackendRegistry, type Backend } from '@gateway/backends';
import type { HandlerExtra } from '../servers/request-forwarder.js';
import { SharedConnectionRouter } from '../sessions/shared-connection.router.js';
import { GATEWAY_ROUTE } from '../sessions/session-registry.service.js';
import type { ModernExchange } from './modern-exchange.js';

interface Filter {
  toolsListChanged?: boolean;
  promptsListChanged?: boolean;
  resourcesListChanged?: boolean;
  resourceSubscriptions?: string[];
}

interface Listener {
  readonly id: string | number;
  readonly route: string;
  readonly filter: Filter;
  readonly exchange: ModernExchange;
  readonly access: Access;
}

/** Which filter flag each list-change notification needs. */
const LIST_CHANGED: Record<string, keyof Filter> = {
  'notifications/tools/list_changed': 'toolsListChanged',
  'notifications/prompts/list_changed': 'promptsListChanged',
  'notifications/resources/list_changed': 'resourcesListChanged',
};

/**
 * The open `subscriptions/listen` streams of modern clients (2026-07-28's replacement for the GET stream and
 * resources/subscribe). Each gets what it opted into and its surface can send: list changes of its route's tools,
 * prompts and resources, and updates of the resources it named; every notification carries the listen request's id.
 */
@Injectable()
export class ListenHub implements BeforeApplicationShutdown {
  private readonly listeners = new Set<Listener>();
  private counter = 0;

  constructor(
    registry: BackendRegistry,
    private readonly shared: SharedConnectionRouter,
  ) {
    registry.watch((backend) =>
      backend.on('notification', (method, params) => this.fromBackend(backend.name, method, params)),
    );
  }

  get size(): number {
    return this.listeners.size;
  }

  /** Opens the stream: acknowledged at once, open until the client closes it (or the gateway shuts down). */
  serve(
    route: string,
    message: JSONRPCRequest,
    exchange: ModernExchange,
    capabilities: ServerCapabilities,
    access: Access,
    backend?: Backend,
  ): void {
    const asked = ((message.params ?? {}) as { notifications?: Filter }).notifications ?? {};
    const filter: Filter = {
      ...(asked.toolsListChanged && capabilities.tools?.listChanged ? { toolsListChanged: true } : {}),
      ...(asked.promptsListChanged && capabilities.prompts?.listChanged ? { promptsListChanged: true } : {}),
      ...(asked.resourcesListChanged && capabilities.resources?.listChanged ? { resourcesListChanged: true } : {}),
      ...(asked.resourceSubscriptions?.length && capabilities.resources?.subscribe
        ? { resourceSubscriptions: asked.resourceSubscriptions.filter((uri) => typeof uri === 'string') }
        : {}),
    };
    const listener: Listener = { id: message.id, route, filter, exchange, access };
    exchange.stream();
    this.send(listener, 'notifications/subscriptions/acknowledged', { notifications: filter });
    this.listeners.add(listener);
    const uris = backend ? (filter.resourceSubscriptions ?? []) : [];
    // A legacy backend sends resource updates only for subscribed URIs; the router subscribes once per URI.
    const key = `listen-${++this.counter}`;
    const extra = { signal: exchange.signal, requestId: message.id } as unknown as HandlerExtra;
    for (const uri of uris) void this.shared.subscribe(backend!, key, uri, extra).catch(() => undefined);
    exchange.signal.addEventListener('abort', () => {
      this.listeners.delete(listener);
      const quiet = { signal: new AbortController().signal, requestId: 0 } as unknown as HandlerExtra;
      for (const uri of uris) void this.shared.unsubscribe(backend!, key, uri, quiet).catch(() => undefined);
    });
  }

  /** A backend's tool list changed: for `routes` (the backend's own, and /mcp when it aggregates tools). */
  toolsChanged(routes: readonly string[], backend: string): void {
    this.deliver(routes, backend, 'notifications/tools/list_changed', undefined);
  }

  private fromBackend(backend: string, method: string, params: Record<string, unknown> | undefined): void {
    // Tool list changes come through toolsChanged (the catalog refreshes first); logs go with their request.
    if (method === 'notifications/tools/list_changed' || method === 'notifications/message') return;
    this.deliver([backend, GATEWAY_ROUTE], backend, method, params);
  }

  private deliver(
    routes: readonly string[],
    backend: string,
    method: string,
    params: Record<string, unknown> | undefined,
  ): void {
    for (const listener of this.listeners) {
      if (!routes.includes(listener.route) || !listener.access.mayUse(backend)) continue;
      const flag = LIST_CHANGED[method];
      const wanted = flag
        ? listener.filter[flag] === true
        : method === 'notifications/resources/updated' &&
          (listener.filter.resourceSubscriptions ?? []).includes(params?.uri as string);
      if (wanted) this.send(listener, method, params);
    }
  }

  private send(listener: Listener, method: string, params: Record<string, unknown> | undefined): void {
    const meta = { ...((params?._meta as Record<string, unknown> | undefined) ?? {}) };
    meta[SUBSCRIPTION_ID_META_KEY] = listener.id;
    listener.exchange.notify(method, { ...params, _meta: meta });
  }

  /** Ends every stream with its (empty) result, so the HTTP server can drain. */
  beforeApplicationShutdown(): void {
    for (const listener of this.listeners) {
      listener.exchange.result({ resultType: 'complete', _meta: { [SUBSCRIPTION_ID_META_KEY]: listener.id } });
    }
    this.listeners.clear();
  }
}
