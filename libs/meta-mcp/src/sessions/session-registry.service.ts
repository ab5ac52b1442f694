import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationShutdown } from '@nestjs/common';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallGates, type Principal } from '@gateway/auth';
import { StreamableHttpTransport } from '../http/streamable-http.transport.js';
import { SessionEventStore } from '../meta-mcp.tokens.js';
import { PrincipalDownstreams } from './principal-downstream.js';
import { SessionDownstream } from './session-downstream.js';

export interface McpSession {
  /** `/mcp` or the backend name of `/mcp/{backend}`: a session is only valid on the route that created it. */
  readonly route: string;
  readonly transport: StreamableHttpTransport;
  readonly server: Server;
  /** The session as backends see it: where their sampling, elicitation and roots requests go. */
  readonly downstream: SessionDownstream;
  /** The principal that opened it (auth on); another principal's request with this session id is refused as unknown. */
  readonly owner?: string;
  lastSeen: number;
}

export const GATEWAY_ROUTE = '/mcp';

/** Backend notifications the /mcp surface passes on: its tools are its own, its resources and prompts aggregated. */
const GATEWAY_ROUTE_NOTIFICATIONS = new Set([
  'notifications/message',
  'notifications/resources/updated',
  'notifications/resources/list_changed',
  'notifications/prompts/list_changed',
]);

const IDLE_SESSION_MS = 30 * 60_000;

/** Live MCP sessions by id. A session ends on DELETE, when idle too long, or at shutdown. */
@Injectable()
export class SessionRegistry implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(SessionRegistry.name);
  private readonly sessions = new Map<string, McpSession>();
  private readonly principalGroups = new PrincipalDownstreams();
  private readonly sweeper: NodeJS.Timeout;

  constructor(
    @Inject(SessionEventStore) private readonly eventStore: SessionEventStore,
    private readonly gates: CallGates,
  ) {
    this.sweeper = setInterval(() => this.closeIdle(), 60_000);
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The session with this id if `owner` (the request's principal id, if any) opened it. */
  get(id: string, owner?: string): McpSession | undefined {
    const session = this.sessions.get(id);
    if (!session || session.owner !== owner) return undefined;
    session.lastSeen = Date.now();
    return session;
  }

  forRoute(route: string): McpSession[] {
    return [...this.sessions.values()].filter((session) => session.route === route);
  }

  /** A new session whose id is assigned when its initialize request is handled. */
  async open(
    route: string,
    build: (downstream: SessionDownstream) => Promise<Server>,
    principal?: Principal,
  ): Promise<McpSession> {
    // SSE events kept for replay when the client reconnects with Last-Event-ID; dropped when the session closes.
    const events = this.eventStore.openSession();
    const transport = new StreamableHttpTransport({
      sessionId: randomUUID(),
      events,
      onsessioninitialized: (id) => {
        this.sessions.set(id, session);
      },
      onsessionclosed: (id) => {
        this.sessions.delete(id);
      },
    });
    const downstream = new SessionDownstream(
      transport.sessionId,
      (method) => route !== GATEWAY_ROUTE || GATEWAY_ROUTE_NOTIFICATIONS.has(method),
      this.gates.forSession(principal, transport.sessionId, route),
      principal ? { id: principal.id, groups: this.principalGroups } : undefined,
    );
    const server = await build(downstream);
    downstream.attach(server);
    const session: McpSession = { route, transport, server, downstream, owner: principal?.id, lastSeen: Date.now() };
    server.onclose = () => {
      events.close();
      this.sessions.delete(transport.sessionId);
      downstream.closed();
    };
    await server.connect(transport);
    return session;
  }

  /** Idle GET streams end first so the HTTP server can drain; sessions themselves close after requests finish. */
  beforeApplicationShutdown(): void {
    for (const session of this.sessions.values()) session.transport.closeStandaloneSSEStream();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.sweeper);
    await Promise.all([...this.sessions.values()].map((session) => session.server.close().catch(() => undefined)));
    this.sessions.clear();
  }

  private closeIdle(): void {
    const cutoff = Date.now() - IDLE_SESSION_MS;
    for (const [id, session] of this.sessions) {
      if (session.lastSeen >= cutoff) continue;
      this.logger.log(`closing idle session ${id} on ${session.route}`);
      this.sessions.delete(id);
      void session.server.close().catch(() => undefined);
    }
  }
}
