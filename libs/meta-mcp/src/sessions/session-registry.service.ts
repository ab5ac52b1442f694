import { randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallGates, type Principal } from '@gateway/auth';
import { formatByteSize, formatDuration, GatewayConfig, sessionTag } from '@gateway/config';
import { StreamableHttpTransport } from '../http/streamable-http.transport.js';
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import { accessCheck, CALL_INTERCEPTORS, orderChain, type CallInterceptor } from '../interceptors/call-interceptor.js';
import { SessionEventStore, SharedSessions, type SharedSessionRecord } from '../meta-mcp.tokens.js';
import { PrincipalDownstreams } from './principal-downstream.js';
import { SessionDownstream } from './session-downstream.js';

export interface McpSession {
  /** `/mcp` or the backend name of `/mcp/{backend}`: a session is only valid on the route that created it. */
  readonly route: string;
  readonly transport: StreamableHttpTransport;
  readonly server: Server;
  /** The session as backends see it: where their sampling, elicitation and roots requests go. */
  readonly downstream: SessionDownstream;
  lastSeen: number;
  /** The principal that opened it (auth on); another principal's request with this session id is refused as unknown. */
  readonly owner?: string;
}

export const GATEWAY_ROUTE = '/mcp';

/** Backend notifications the /mcp surface passes on: its tools are its own, its resources and prompts aggregated. */
const GATEWAY_ROUTE_NOTIFICATIONS = new Set([
  'notifications/message',
  'notifications/resources/updated',
  'notifications/resources/list_changed',
  'notifications/prompts/list_changed',
]);

/** At `server.max_sessions`: a new session is refused (HTTP 503); the sessions there keep working. */
export class SessionLimitError extends Error {
  constructor(
    readonly max: number,
    /** When the longest-idle session would expire, at the soonest. */
    readonly retryAfterMs: number,
  ) {
    super(
      `Service Unavailable: the gateway holds its maximum of ${max} MCP sessions (server.max_sessions); ` +
        `retry in ${formatDuration(Math.ceil(retryAfterMs / 1000) * 1000)}, and end sessions you no longer use with DELETE`,
    );
    this.name = 'SessionLimitError';
  }
}

/**
 * Live MCP sessions by id, least recently used first. A session ends on DELETE, after `server.session_idle_timeout`
 * without a request (one with a request in flight or a GET stream open is not idle), or at shutdown. At most
 * `server.max_sessions` exist (initializing ones included); beyond that, open() refuses rather than evict, so one
 * client opening sessions in a loop cannot end anyone else's.
 */
@Injectable()
export class SessionRegistry implements BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger(SessionRegistry.name);
  /** In use order: get() moves a session to the end, so the first is the longest idle. */
  private readonly sessions = new Map<string, McpSession>();
  private readonly principalGroups = new PrincipalDownstreams();
  private readonly sweeper: NodeJS.Timeout;
  private readonly maxSessions: number;
  private readonly idleMs: number;
  private readonly streamBuffer: number;
  /** Sessions being opened (their server built and connected) and not yet initialized. */
  private opening = 0;
  /** Sessions being rebuilt from the shared store, so that concurrent requests rebuild once. */
  private readonly restoring = new Map<string, Promise<McpSession | undefined>>();

  constructor(
    @Inject(SessionEventStore) private readonly eventStore: SessionEventStore,
    config: GatewayConfig,
    private readonly gates: CallGates,
    @Inject(SharedSessions) private readonly shared: SharedSessions | null,
    @Optional() @Inject(CALL_INTERCEPTORS) private readonly interceptors: readonly CallInterceptor[] = [],
  ) {
    // A session deleted on any replica goes here too.
    shared?.onRemoved((id) => {
      const session = this.sessions.get(id);
      if (!session) return;
      this.sessions.delete(id);
      void session.server.close().catch(() => undefined);
    });
    // A logging level or subscription set through another replica: this replica's copy follows it.
    shared?.onChanged((id, request) => void this.sessions.get(id)?.transport.apply(request));
    // Messages another replica could not deliver: a GET stream or a pending server request of ours.
    shared?.onRelay((id, message) => {
      const transport = this.sessions.get(id)?.transport;
      if (message.to === 'client') transport?.deliverToClient(message.json, message.eventId);
      else transport?.deliverToServer(message.json);
    });
    this.maxSessions = config.server.max_sessions;
    this.idleMs = config.server.session_idle_timeout;
    this.streamBuffer = config.server.stream_buffer;
    this.sweeper = setInterval(() => this.closeIdle(), Math.min(60_000, Math.max(250, this.idleMs / 4)));
    this.sweeper.unref();
  }

  get size(): number {
    return this.sessions.size;
  }

  /** The session with this id if `owner` (the request's principal id, if any) opened it. */
  get(id: string, owner?: string): McpSession | undefined {
    const session = this.sessions.get(id);
    if (!session || session.owner !== owner) return undefined;
    this.touch(id, session);
    this.shared?.touch(id);
    return session;
  }

  /**
   * A session this replica does not hold, rebuilt from the shared store (none without one) when `route` and
   * `principal` are the ones it was opened with: its server is initialized as the client initialized it.
   */
  async restore(
    id: string,
    route: string,
    build: (downstream: SessionDownstream) => Promise<Server>,
    principal?: Principal,
  ): Promise<McpSession | undefined> {
    if (!this.shared) return undefined;
    let pending = this.restoring.get(id);
    if (!pending) {
      pending = this.rebuild(id, route, build, principal).finally(() => this.restoring.delete(id));
      this.restoring.set(id, pending);
    }
    const session = await pending;
    return session && session.route === route && session.owner === principal?.id
      ? this.get(id, session.owner)
      : undefined;
  }

  private async rebuild(
    id: string,
    route: string,
    build: (downstream: SessionDownstream) => Promise<Server>,
    principal: Principal | undefined,
  ): Promise<McpSession | undefined> {
    const record = (await this.shared!.load(id)) as SharedSessionRecord | undefined;
    if (!record || record.route !== route || record.owner !== principal?.id || this.sessions.has(id)) {
      return this.sessions.get(id);
    }
    const session = await this.open(route, build, principal, id);
    await session.transport.restore(record.initialize, replayed(record.changes));
    this.sessions.set(id, session);
    this.logger.log(`rebuilt session ${sessionTag(id)} on ${route} from the shared store`);
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
    sessionId: string = randomUUID(),
  ): Promise<McpSession> {
    if (this.sessions.size + this.opening >= this.maxSessions) {
      const oldest = this.sessions.values().next().value;
      const retryAfterMs = oldest ? Math.max(1000, oldest.lastSeen + this.idleMs - Date.now()) : 1000;
      throw new SessionLimitError(this.maxSessions, retryAfterMs);
    }
    this.opening++;
    try {
      return await this.create(route, build, principal, sessionId);
    } finally {
      this.opening--;
    }
  }

  private async create(
    route: string,
    build: (downstream: SessionDownstream) => Promise<Server>,
    principal: Principal | undefined,
    sessionId: string,
  ): Promise<McpSession> {
    // SSE events kept for replay when the client reconnects with Last-Event-ID; dropped when the session closes.
    const events = this.eventStore.openSession(sessionId);
    const transport = new StreamableHttpTransport({
      sessionId,
      events,
      onsessioninitialized: (id, initialize) => {
        this.sessions.set(id, session);
        this.shared?.save(id, { route, owner: principal?.id, initialize, changes: [] });
      },
      onsessionchange: (request) => this.shared?.change(sessionId, request),
      onsessionclosed: (id) => {
        this.sessions.delete(id);
        this.shared?.remove(id);
      },
      streamBuffer: this.streamBuffer,
      relay: this.shared
        ? {
            toClient: (json, eventId) => this.shared!.relay(sessionId, { to: 'client', json, eventId }),
            toServer: (json) => this.shared!.relay(sessionId, { to: 'server', json }),
          }
        : undefined,
      onstreamcut: (queued) =>
        this.logger.warn(
          `closed an SSE stream of session ${sessionTag(transport.sessionId)} on ${route}: its client left ` +
            `${formatByteSize(queued)} unread (server.stream_buffer); it can resume with Last-Event-ID`,
        ),
    });
    const gate = this.gates.forSession(principal, transport.sessionId, route);
    const chain = orderChain([...(gate ? [accessCheck(gate)] : []), ...(this.interceptors ?? [])]);
    const downstream = new SessionDownstream(
      transport.sessionId,
      (method) => route !== GATEWAY_ROUTE || GATEWAY_ROUTE_NOTIFICATIONS.has(method),
      gate,
      principal ? { id: principal.id, groups: this.principalGroups } : undefined,
      { route, principal, chain },
    );
    const server = await build(downstream);
    downstream.attach(server);
    const session: McpSession = { route, transport, server, downstream, owner: principal?.id, lastSeen: Date.now() };
    server.onclose = () => {
      events.close();
      this.shared?.forget(transport.sessionId);
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

  private touch(id: string, session: McpSession): void {
    session.lastSeen = Date.now();
    this.sessions.delete(id);
    this.sessions.set(id, session);
  }

  /** From the longest idle on, until the first session used within the timeout. */
  private closeIdle(): void {
    const cutoff = Date.now() - this.idleMs;
    for (const [id, session] of this.sessions) {
      if (session.lastSeen >= cutoff) return;
      // A busy session goes to the end (touched now), where this loop stops.
      if (session.transport.busy) {
        this.touch(id, session);
        continue;
      }
      this.logger.log(`closing session ${sessionTag(id)} on ${session.route}: idle for ${formatDuration(this.idleMs)}`);
      this.sessions.delete(id);
      void session.server.close().catch(() => undefined);
    }
  }
}

/** The requests a rebuilt session replays: the last logging level, and the subscriptions in order (the latest 64). */
function replayed(changes: readonly JSONRPCRequest[]): JSONRPCRequest[] {
  const level = changes.filter((change) => change.method === 'logging/setLevel').at(-1);
  const subscriptions = changes.filter((change) => change.method !== 'logging/setLevel').slice(-64);
  return [...(level ? [level] : []), ...subscriptions].map(({ method, params }) => ({
    jsonrpc: '2.0' as const,
    id: 0,
    method,
    params,
  }));
}
