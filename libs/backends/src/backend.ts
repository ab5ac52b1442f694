import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  ErrorCode,
  ListToolsResultSchema,
  McpError,
  ResultSchema,
  ToolListChangedNotificationSchema,
  type Implementation,
  type Result,
  type ServerCapabilities,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import { redactSecretText, type BackendConfig } from '@gateway/config';
import { isRepeatable, type BackendPolicy, type PolicyCall } from '@gateway/resilience';
import type { BackendStatus, BackendState } from './backend-status.js';
import { wantsOwnConnection, type DownstreamClient } from './downstream-client.js';
import { PerClientConnections } from './per-client-connections.js';
import type { BackendConnector, Connection, TransportActivity } from './transports/backend-connector.js';
import { ToolCatalog } from './tool-catalog.js';

export interface BackendDeps {
  connector: BackendConnector;
  clientInfo: Implementation;
  requestTimeoutMs: number;
  connectTimeoutMs: number;
  /** Bound on a call whose timeout progress keeps resetting. */
  maxRequestDurationMs: number;
  catalogTtlMs: number;
  cacheTools: boolean;
  /** Breaker, retries, limits and deadline around every request; without one, requests go straight through. */
  policy?: BackendPolicy;
}

type BackendEvents = {
  state: [BackendState];
  tools: [Tool[]];
  /** A notification the backend sent on its shared connection (per-client connections deliver their own). */
  notification: [method: string, params: Record<string, unknown> | undefined];
  /** A session that can answer callbacks was given the shared connection: max_client_connections was reached. */
  clientConnectionFallback: [];
};

/** A backend request failed for a reason of the backend's (not a JSON-RPC error it answered with). */
export class BackendUnavailableError extends Error {
  constructor(
    readonly backend: string,
    readonly reason: string,
  ) {
    super(`backend "${backend}" is unavailable: ${reason}`);
    this.name = 'BackendUnavailableError';
  }
}

/** One configured MCP server: its connection, state, catalog and counters. Reconnects on next use after a failure. */
export class Backend extends EventEmitter<BackendEvents> {
  private readonly logger: Logger;
  private connection?: Connection;
  private starting?: Promise<Connection>;
  /** Ends a connect in progress: stopping must not wait out a backend that never finishes its handshake. */
  private startAbort?: AbortController;
  private stopping = false;
  private _state: BackendState = 'stopped';
  private starts = 0;
  private readonly perClient: PerClientConnections;
  readonly catalog: ToolCatalog;
  requestCount = 0;
  errorCount = 0;
  inFlight = 0;
  lastError?: string;
  lastUsedAt = 0;

  constructor(
    readonly name: string,
    readonly config: BackendConfig,
    private readonly deps: BackendDeps,
  ) {
    super();
    this.logger = new Logger(`backend:${name}`);
    this.catalog = new ToolCatalog(deps.catalogTtlMs, deps.cacheTools);
    this.perClient = new PerClientConnections({
      name,
      config,
      connector: deps.connector,
      clientInfo: deps.clientInfo,
      connectTimeoutMs: deps.connectTimeoutMs,
      logger: this.logger,
      onFallback: () => this.emit('clientConnectionFallback'),
    });
  }

  get state(): BackendState {
    return this._state;
  }

  get capabilities(): ServerCapabilities | undefined {
    return this.connection?.client.getServerCapabilities();
  }

  get serverInfo(): Implementation | undefined {
    return this.connection?.client.getServerVersion();
  }

  get instructions(): string | undefined {
    return this.connection?.client.getInstructions();
  }

  get pid(): number | undefined {
    return this.connection?.pid;
  }

  /** Connections open (or opening) for single client sessions. */
  get clientConnections(): number {
    return this.perClient.size;
  }

  /** What the shared connection's transport saw arrive (stdio only). */
  get activity(): TransportActivity | undefined {
    return this.connection?.activity;
  }

  get timeoutMs(): number {
    return this.config.timeout ?? this.deps.requestTimeoutMs;
  }

  get policy(): BackendPolicy | undefined {
    return this.deps.policy;
  }

  /** From the resilience policy; a backend without a breaker is always closed. */
  get circuitState(): 'closed' | 'open' | 'half_open' {
    return this.deps.policy?.circuitState ?? 'closed';
  }

  /** Connects if not connected; concurrent callers share one attempt. */
  start(): Promise<Connection> {
    if (this.connection && this._state === 'ready') return Promise.resolve(this.connection);
    this.starting ??= this.connect().finally(() => (this.starting = undefined));
    return this.starting;
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.startAbort?.abort(new Error('the gateway is stopping this backend'));
    const connection = this.connection ?? (await this.starting?.catch(() => undefined));
    this.connection = undefined;
    await Promise.all([
      connection?.close().catch((error: Error) => this.logger.warn(`close failed: ${error.message}`)),
      this.perClient.closeAll(),
    ]);
    this.setState('stopped');
    this.stopping = false;
  }

  /**
   * Sends one request and returns the backend's result untouched. An HTTP session the backend has forgotten (404)
   * is re-initialized once and the request sent again: the first attempt never reached a session. With a
   * `downstream` client that needs its own connection (see wantsOwnConnection), the request goes over that one.
   */
  async request(
    method: string,
    params: Record<string, unknown> | undefined,
    options: RequestOptions = {},
    downstream?: DownstreamClient,
  ): Promise<Result> {
    this.requestCount++;
    this.inFlight++;
    this.lastUsedAt = Date.now();
    try {
      const policy = this.deps.policy;
      if (!policy) return await this.send(method, params, options, true, downstream);
      // A deadline that leaves less than the request's own timeout shortens it; the SDK then cancels at the backend.
      return await policy.execute(this.policyCall(method, params, options, downstream), (signal, timeout) =>
        this.send(method, params, { ...options, signal, timeout: timeout ?? options.timeout }, true, downstream),
      );
    } finally {
      this.inFlight--;
      this.lastUsedAt = Date.now();
    }
  }

  /** A health-check ping. It feeds the breaker, but is not use: an idle backend still hibernates. */
  async ping(timeoutMs: number): Promise<void> {
    this.inFlight++;
    try {
      const send = (signal?: AbortSignal) => this.send('ping', undefined, { timeout: timeoutMs, signal }, true);
      const call: PolicyCall = { method: 'ping', repeatable: true, timeoutMs, probe: true, deadline: false };
      await (this.deps.policy ? this.deps.policy.execute(call, send) : send());
    } finally {
      this.inFlight--;
    }
  }

  /** Stops an idle backend's process to free it; the next request starts it again. Never with a request in flight. */
  async hibernate(): Promise<boolean> {
    const connection = this.connection;
    if (!connection || this._state !== 'ready' || this.inFlight > 0) return false;
    this.connection = undefined;
    this.setState('hibernating');
    await connection.close().catch((error: Error) => this.logger.warn(`close failed: ${error.message}`));
    this.logger.log('idle: stopped until the next request');
    return true;
  }

  /** Ends a connection that stopped answering, so the registry restarts it with backoff. */
  async recycle(reason: string): Promise<void> {
    if (this.connection) await this.dropConnection(this.connection, reason);
  }

  private policyCall(
    method: string,
    params: Record<string, unknown> | undefined,
    options: RequestOptions,
    downstream?: DownstreamClient,
  ): PolicyCall {
    const tool = method === 'tools/call' && typeof params?.name === 'string' ? params.name : undefined;
    const hints = tool === undefined ? undefined : this.catalog.find(tool)?.annotations;
    return {
      method,
      tool,
      repeatable: isRepeatable(method, hints, this.config.retry_tool_calls),
      timeoutMs: options.timeout ?? this.timeoutMs,
      signal: options.signal,
      // Progress extends the request's own timeout; an overall deadline would cut a call that is still working.
      deadline: options.resetTimeoutOnProgress !== true,
      client: downstream?.sessionId,
    };
  }

  /** The backend's tools, from the cache while fresh; a stale list is served when the backend cannot answer. */
  async listTools(): Promise<Tool[]> {
    if (this.catalog.fresh) return this.catalog.list!;
    try {
      return await this.refreshTools();
    } catch (error) {
      if (this.catalog.list) return this.catalog.list;
      throw error;
    }
  }

  async refreshTools(): Promise<Tool[]> {
    const tools = await this.fetchTools();
    if (this.catalog.set(tools)) this.emit('tools', tools);
    return tools;
  }

  /**
   * The tools a client sees: the shared catalog, or, for a client with its own connection, that connection's list
   * (a server may offer more tools to a client that can answer sampling or elicitation).
   */
  toolsFor(downstream: DownstreamClient | undefined): Promise<Tool[]> {
    return this.ownConnectionFor(downstream) ? this.fetchTools(downstream) : this.listTools();
  }

  /** The client, when its requests go over a connection of its own (see wantsOwnConnection and the cap). */
  private ownConnectionFor(downstream: DownstreamClient | undefined): DownstreamClient | undefined {
    if (!downstream || !wantsOwnConnection(this.config.session_mode, downstream)) return undefined;
    return this.perClient.admits(downstream) ? downstream : undefined;
  }

  private async fetchTools(downstream?: DownstreamClient): Promise<Tool[]> {
    const tools: Tool[] = [];
    let cursor: string | undefined;
    do {
      const params = cursor ? { cursor } : undefined;
      const page = ListToolsResultSchema.parse(await this.request('tools/list', params, {}, downstream));
      tools.push(...page.tools);
      cursor = page.nextCursor;
    } while (cursor);
    return tools;
  }

  status(): BackendStatus {
    const info = this.serverInfo;
    return {
      name: this.name,
      description: this.config.description,
      state: this._state,
      running: this._state === 'ready',
      transport: this.connection?.kind ?? (this.config.kind === 'auto' ? 'streamable_http|sse' : this.config.kind),
      tools_cached: this.catalog.size,
      request_count: this.requestCount,
      error_count: this.errorCount,
      restarts: Math.max(0, this.starts - 1),
      ...(this.lastError ? { last_error: this.lastError } : {}),
      ...(info ? { server: { name: info.name, version: info.version } } : {}),
    };
  }

  private send(
    method: string,
    params: Record<string, unknown> | undefined,
    options: RequestOptions,
    mayReinitialize: boolean,
    downstream?: DownstreamClient,
  ): Promise<Result> {
    const own = this.ownConnectionFor(downstream);
    if (own) return this.sendOwn(own, method, params, options, mayReinitialize);
    // A ready shared connection is used as it is: no await, so no trip through the microtask queue per call.
    if (this._state === 'ready' && this.connection) {
      return this.sendOn(this.connection, method, params, options, mayReinitialize);
    }
    return this.opened(this.start()).then((connection) =>
      this.sendOn(connection, method, params, options, mayReinitialize),
    );
  }

  /** Over the client's own connection, which does not close for idleness while the request runs. */
  private async sendOwn(
    own: DownstreamClient,
    method: string,
    params: Record<string, unknown> | undefined,
    options: RequestOptions,
    mayReinitialize: boolean,
  ): Promise<Result> {
    const acquired = this.perClient.acquire(own);
    try {
      return await this.sendOn(await this.opened(acquired), method, params, options, mayReinitialize, own);
    } finally {
      this.perClient.release(own.sessionId, acquired);
    }
  }

  private async sendOn(
    connection: Connection,
    method: string,
    params: Record<string, unknown> | undefined,
    options: RequestOptions,
    mayReinitialize: boolean,
    own?: DownstreamClient,
  ): Promise<Result> {
    try {
      return await connection.client.request({ method, params }, ResultSchema, {
        ...options,
        timeout: options.timeout ?? this.timeoutMs,
        maxTotalTimeout: options.maxTotalTimeout ?? this.deps.maxRequestDurationMs,
      });
    } catch (error) {
      if (mayReinitialize && isExpiredSession(error)) {
        this.logger.warn('session expired at the backend; re-initializing');
        if (own) await this.perClient.close(own.sessionId);
        else await this.dropConnection(connection, 'session expired');
        return this.send(method, params, options, false, own);
      }
      // A RangeError is the gateway failing to serialize the client's request (see classifyFailure): not the backend's.
      if (!answeredByBackend(error) && !(error instanceof RangeError)) {
        this.errorCount++;
        this.lastError = `${method}: ${describe(error)}`;
      }
      throw error;
    }
  }

  /** Sends a client's notification (such as roots/list_changed) on the connection that serves that client. */
  async notify(
    method: string,
    params: Record<string, unknown> | undefined,
    downstream?: DownstreamClient,
  ): Promise<void> {
    const own = downstream ? this.perClient.existing(downstream.sessionId) : undefined;
    const connection = own ? await own.catch(() => undefined) : this.connection;
    await connection?.client.notification({ method, params });
  }

  /** The connection once open; failing to open one is the backend being unavailable. */
  private async opened(connection: Promise<Connection>): Promise<Connection> {
    try {
      return await connection;
    } catch (error) {
      this.errorCount++;
      throw new BackendUnavailableError(this.name, describe(error));
    }
  }

  private async connect(): Promise<Connection> {
    // Waking from hibernation is not a restart.
    if (this._state !== 'hibernating') this.starts++;
    this.setState('starting');
    const clientInfo = this.deps.clientInfo;
    const abort = new AbortController();
    this.startAbort = abort;
    try {
      const connection = await this.deps.connector.connect({
        name: this.name,
        config: this.config,
        timeoutMs: this.deps.connectTimeoutMs,
        createClient: () => new Client(clientInfo, { capabilities: {} }),
        onStderrLine: (line) => this.logger.log(line),
        signal: abort.signal,
      });
      if (this.stopping) {
        await connection.close();
        throw new Error('backend is stopping');
      }
      this.adopt(connection);
      return connection;
    } catch (error) {
      this.lastError = describe(error);
      this.setState('failed');
      this.logger.warn(`failed to start: ${this.lastError}`);
      throw error;
    } finally {
      if (this.startAbort === abort) this.startAbort = undefined;
    }
  }

  private adopt(connection: Connection): void {
    this.connection = connection;
    const { client } = connection;
    client.onclose = () => void this.onConnectionLost(connection);
    client.onerror = (error) => this.logger.debug(`transport error: ${error.message}`);
    client.fallbackNotificationHandler = async (notification) => {
      this.emit('notification', notification.method, notification.params);
    };
    if (this.capabilities?.tools?.listChanged) {
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        this.catalog.invalidate();
        this.refreshTools().catch((error: Error) => this.logger.warn(`tools refresh failed: ${error.message}`));
      });
    }
    this.lastError = undefined;
    this.setState('ready');
    const info = this.serverInfo;
    this.logger.log(`ready via ${connection.kind}${info ? ` (${info.name} ${info.version})` : ''}`);
    if (this.capabilities?.tools && !this.catalog.fresh) {
      this.refreshTools().catch((error: Error) => this.logger.warn(`tools/list failed: ${error.message}`));
    }
  }

  private async onConnectionLost(connection: Connection): Promise<void> {
    if (this.connection !== connection || this.stopping) return;
    this.connection = undefined;
    const exit = 'exitInfo' in connection.transport ? (connection.transport.exitInfo as string | undefined) : undefined;
    this.lastError = exit ? `process ${exit}` : 'connection closed';
    this.setState('failed');
    this.logger.warn(`connection lost: ${this.lastError}; it restarts on next use`);
    await connection.close().catch(() => undefined);
  }

  private async dropConnection(connection: Connection, reason: string): Promise<void> {
    if (this.connection === connection) this.connection = undefined;
    this.lastError = reason;
    this.setState('failed');
    await connection.close().catch(() => undefined);
  }

  private setState(state: BackendState): void {
    if (this._state === state) return;
    this._state = state;
    this.emit('state', state);
  }
}

const LOCAL_FAILURES: ReadonlySet<number> = new Set([ErrorCode.ConnectionClosed, ErrorCode.RequestTimeout]);

/**
 * True when the backend itself answered with a JSON-RPC error: the backend is working. False for failures of the
 * connection, timeouts and spawn errors, which the SDK also reports as McpError codes of its own.
 */
export function answeredByBackend(error: unknown): error is McpError {
  return error instanceof McpError && !LOCAL_FAILURES.has(error.code);
}

/**
 * The backend no longer knows our session. The spec says 404; many servers (server-everything among them) answer
 * 400 "No valid session ID". Either way the request was refused unprocessed, so re-initializing and resending is safe.
 */
function isExpiredSession(error: unknown): boolean {
  return error instanceof StreamableHTTPError && (error.code === 404 || error.code === 400);
}

/** A failure in a line: the message without repeated "MCP error <code>:" prefixes, plus the root cause's code. */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return redactSecretText(String(error));
  const message = error.message.replace(/^(MCP error -?\d+: )+/, '');
  let cause: unknown = (error as Error & { cause?: unknown }).cause;
  let innermost: string | undefined;
  for (let depth = 0; cause instanceof Error && depth < 5; depth++) {
    const code = (cause as Error & { code?: string }).code;
    if (code) return redactSecretText(`${message} (${code})`);
    innermost = cause.message;
    cause = (cause as Error & { cause?: unknown }).cause;
  }
  // "fetch failed" alone says nothing; its cause (say, "bad port") does.
  const text = innermost && innermost !== message ? `${message} (${innermost})` : message;
  // An HTTP error body or a server's own message may name a credential (`db password=...`).
  return redactSecretText(text);
}
