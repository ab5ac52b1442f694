import { Injectable } from '@nestjs/common';
import { LoggingLevelSchema, type LoggingLevel, type Result } from '@modelcontextprotocol/sdk/types.js';
import { BackendRegistry, type Backend } from '@gateway/backends';
import { forwardRequest, type HandlerExtra } from '../servers/request-forwarder.js';
import type { McpSession } from './session-registry.service.js';
import { GATEWAY_ROUTE, SessionRegistry } from './session-registry.service.js';

const SEVERITY: readonly LoggingLevel[] = LoggingLevelSchema.options;

/**
 * Several client sessions on /mcp/{backend} may share one backend connection. Then each client's logging level and
 * resource subscriptions are kept here: the backend logs at the most verbose level any session asked for and each
 * session gets only what its own level allows; a subscription reaches the backend once and its updates reach only
 * the sessions that subscribed. List changes go to every session of the backend.
 */
@Injectable()
export class SharedConnectionRouter {
  private readonly levels = new Map<string, Map<string, LoggingLevel>>();
  private readonly subscribers = new Map<string, Map<string, Set<string>>>();

  constructor(
    registry: BackendRegistry,
    private readonly sessions: SessionRegistry,
  ) {
    registry.watch((backend) => backend.on('notification', (method, params) => this.deliver(backend, method, params)));
  }

  async setLevel(backend: Backend, sessionId: string, level: LoggingLevel, extra: HandlerExtra): Promise<Result> {
    const levels = this.mapFor(this.levels, backend.name);
    levels.set(sessionId, level);
    const mostVerbose = [...levels.values()].reduce((a, b) => (SEVERITY.indexOf(a) <= SEVERITY.indexOf(b) ? a : b));
    await forwardRequest(backend, 'logging/setLevel', { level: mostVerbose }, extra);
    return {};
  }

  async subscribe(backend: Backend, sessionId: string, uri: string, extra: HandlerExtra): Promise<Result> {
    const byUri = this.mapFor(this.subscribers, backend.name);
    const sessions = byUri.get(uri) ?? new Set<string>();
    if (sessions.size === 0) await forwardRequest(backend, 'resources/subscribe', { uri }, extra);
    sessions.add(sessionId);
    byUri.set(uri, sessions);
    return {};
  }

  async unsubscribe(backend: Backend, sessionId: string, uri: string, extra: HandlerExtra): Promise<Result> {
    const sessions = this.subscribers.get(backend.name)?.get(uri);
    if (!sessions?.delete(sessionId) || sessions.size > 0) return {};
    this.subscribers.get(backend.name)?.delete(uri);
    await forwardRequest(backend, 'resources/unsubscribe', { uri }, extra);
    return {};
  }

  /** Forgets a closed session's level and subscriptions. */
  forget(backend: string, sessionId: string): void {
    this.levels.get(backend)?.delete(sessionId);
    for (const sessions of this.subscribers.get(backend)?.values() ?? []) sessions.delete(sessionId);
  }

  private deliver(backend: Backend, method: string, params: Record<string, unknown> | undefined): void {
    // /mcp sessions see resource updates they subscribed to and list changes, not every backend's log stream.
    const gateway = method === 'notifications/message' ? [] : this.sessions.forRoute(GATEWAY_ROUTE);
    const targets = [...this.sessions.forRoute(backend.name), ...gateway].filter((session) =>
      this.wants(backend, session, method, params),
    );
    for (const session of targets) void session.downstream.notify(method, params).catch(() => undefined);
  }

  private wants(backend: Backend, session: McpSession, method: string, params: Record<string, unknown> | undefined) {
    const id = session.downstream.sessionId;
    if (method === 'notifications/message') {
      const level = this.levels.get(backend.name)?.get(id);
      const severity = SEVERITY.indexOf(params?.level as LoggingLevel);
      return level === undefined || severity >= SEVERITY.indexOf(level);
    }
    if (method === 'notifications/resources/updated') {
      return (
        this.subscribers
          .get(backend.name)
          ?.get(params?.uri as string)
          ?.has(id) ?? false
      );
    }
    return true;
  }

  private mapFor<V>(maps: Map<string, Map<string, V>>, backend: string): Map<string, V> {
    let map = maps.get(backend);
    if (!map) maps.set(backend, (map = new Map()));
    return map;
  }
}
