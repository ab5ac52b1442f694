import { Injectable, type BeforeApplicationShutdown } from '@nestjs/common';
import { SUBSCRIPTION_ID_META_KEY } from '@modelcontextprotocol/server';
import type { JSONRPCRequest, ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { Access } from '@gateway/auth';
import { BackendRegistry, type Backend } from '@gateway/backends';
import { GatewayMetrics } from '@gateway/metrics';
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
  /** The principal that opened it (auth on). */
  readonly owner?: string;
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
    private readonly metrics: GatewayMetrics,
  ) {
    registry.watch((backend) =>
      backend.on('notification', (method, params) => this.fromBackend(backend.name, method, params)),
    );
  }

  get size(): number {
    return this.listeners.size;
  }

  /**
   * Opens the stream and acknowledges it once its resource subscriptions are in place (a legacy backend sends
   * updates only for URIs subscribed on its connection: the router subscribes each once, for everyone). It stays
   * open until the client closes it or the gateway shuts down. `ownerOf` names the backend serving a URI.
   */
  async serve(
    route: string,
    message: JSONRPCRequest,
    exchange: ModernExchange,
    capabilities: ServerCapabilities,
    access: Access,
    owner: string | undefined,
    ownerOf: (uri: string) => Promise<Backend>,
  ): Promise<void> {
    const asked = ((message.params ?? {}) as { notifications?: Filter }).notifications ?? {};
    const uris = Array.isArray(asked.resourceSubscriptions)
      ? asked.resourceSubscriptions.filter((uri) => typeof uri === 'string')
      : [];
    const filter: Filter = {
      ...(asked.toolsListChanged && capabilities.tools?.listChanged ? { toolsListChanged: true } : {}),
      ...(asked.promptsListChanged && capabilities.prompts?.listChanged ? { promptsListChanged: true } : {}),
      ...(asked.resourcesListChanged && capabilities.resources?.listChanged ? { resourcesListChanged: true } : {}),
      ...(uris.length > 0 && capabilities.resources?.subscribe ? { resourceSubscriptions: uris } : {}),
    };
    const listener: Listener = { id: message.id, route, filter, exchange, access, owner };
    const key = `listen-${++this.counter}`;
    const extra = { signal: exchange.signal, requestId: message.id } as unknown as HandlerExtra;
    const subscribed: Array<{ backend: Backend; uri: string }> = [];
    for (const uri of filter.resourceSubscriptions ?? []) {
      const backend = await ownerOf(uri).catch(() => undefined);
      if (!backend || !access.mayUse(backend.name)) continue;
      await this.shared.subscribe(backend, key, uri, extra).then(
        () => subscribed.push({ backend, uri }),
        () => undefined,
      );
    }
    const closed = this.metrics.sseStreamOpened();
    const end = () => {
      closed();
      this.listeners.delete(listener);
      const quiet = { signal: new AbortController().signal, requestId: 0 } as unknown as HandlerExtra;
      for (const { backend, uri } of subscribed)
        void this.shared.unsubscribe(backend, key, uri, quiet).catch(() => undefined);
    };
    if (exchange.signal.aborted) return end();
    exchange.signal.addEventListener('abort', end, { once: true });
    exchange.stream();
    this.send(listener, 'notifications/subscriptions/acknowledged', { notifications: filter });
    this.listeners.add(listener);
  }

  /** A backend's tool list changed: for `routes` (the backend's own, and /mcp when it aggregates tools). */
  toolsChanged(routes: readonly string[], backend: string): void {
    this.deliver(routes, backend, 'notifications/tools/list_changed', undefined);
  }

  /**
   * A list change or resource update from a backend connection of modern clients' own (see ModernSlot): it concerns
   * the listen streams of the same principal on the same route.
   */
  fromOwnConnection(
    route: string,
    owner: string | undefined,
    method: string,
    params: Record<string, unknown> | undefined,
  ): void {
    for (const listener of this.listeners) {
      if (listener.route === route && listener.owner === owner && this.wants(listener, method, params)) {
        this.send(listener, method, params);
      }
    }
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
      if (this.wants(listener, method, params)) this.send(listener, method, params);
    }
  }

  private wants(listener: Listener, method: string, params: Record<string, unknown> | undefined): boolean {
    const flag = LIST_CHANGED[method];
    if (flag) return listener.filter[flag] === true;
    return (
      method === 'notifications/resources/updated' &&
      (listener.filter.resourceSubscriptions ?? []).includes(params?.uri as string)
    );
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
