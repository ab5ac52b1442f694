import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import {
  ListToolsResultSchema,
  ResultSchema,
  ToolListChangedNotificationSchema,
  type Implementation,
  type Result,
  type ServerCapabilities,
  type Tool,
} from '@modelcontextprotocol/sdk/types.js';
import type { BackendConfig } from '@gateway/config';
import { isRepeatable, type BackendPolicy, type CircuitStateName, type PolicyCall } from '@gateway/resilience';
import type { BackendStatus, BackendState } from './backend-status.js';
import { BackendUnavailableError, describe, isExpiredSession } from './backend-errors.js';
import { classifyFailure } from './failure-classifier.js';
import { ConnectionLifecycle } from './connection-lifecycle.js';
import { wantsOwnConnection, type DownstreamClient } from './downstream-client.js';
import { PerClientConnections } from './per-client-connections.js';
import type { BackendConnector, Connection, TransportActivity } from './transports/backend-connector.js';
import { ToolCatalog } from './tool-catalog.js';
import { EraClient } from './era/era-client.js';
import { bridgeInputRequired } from './era/input-bridge.js';
import { isInputRequired, MODERN_PROTOCOL_VERSION, type BackendEra } from './era/modern-protocol.js';
import { ModernSessionState } from './era/modern-session-state.js';

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

/** One configured MCP server: its connection, state, catalog and counters. Reconnects on next use after a failure. */
export class Backend extends EventEmitter<BackendEvents> {
  private readonly logger: Logger;
  private _state: BackendState = 'stopped';
  private readonly lifecycle: ConnectionLifecycle;
  private readonly perClient: PerClientConnections;
  /** A modern backend's stand-in for session state: subscriptions/listen, log level, client capabilities. */
  private readonly modern: ModernSessionState;
  /** The era of the previous connection. */
  private lastEra?: BackendEra;
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
    this.modern = new ModernSessionState(this.logger, (reason) => {
      // The server at this URL no longer speaks the modern protocol: ask its era again on the next request.
      this.logger.warn(`subscriptions/listen refused (${reason}); reconnecting`);
      this.lifecycle.forgetEra();
      void this.recycle('the backend refused a modern request');
    });
    this.lifecycle = new ConnectionLifecycle(
      {
        name,
        config,
        logger: this.logger,
        state: () => this._state,
        setState: (state) => this.setState(state),
        setLastError: (reason) => (this.lastError = reason),
        onReady: (connection) => this.onReady(connection),
        onGone: () => this.modern.detach(),
      },
      deps,
    );
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

  /** The shared connection, while open. */
  private get connection(): Connection | undefined {
    return this.lifecycle.connection;
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

  /** The era of the open connection: `modern` (2026-07-28, sessionless) or `legacy`; unknown until connected. */
  get era(): BackendEra | undefined {
    const client = this.connection?.client;
    if (!client) return undefined;
    return client instanceof EraClient ? (client.era ?? 'legacy') : 'legacy';
  }

  /** The protocol revision spoken with the backend, as /health shows it. */
  get protocolVersion(): string | undefined {
    const client = this.connection?.client;
    if (!client) return undefined;
    if (this.era === 'modern') return MODERN_PROTOCOL_VERSION;
    return client instanceof EraClient ? client.negotiatedVersion : undefined;
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
  get circuitState(): CircuitStateName {
    return this.deps.policy?.circuitState ?? 'closed';
  }

  /** Connects if not connected; concurrent callers share one attempt. */
  start(): Promise<Connection> {
    return this.lifecycle.start();
  }

  stop(): Promise<void> {
    return this.lifecycle.stop(this.perClient.closeAll());
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
    const result = await this.requestOnce(method, params, options, downstream);
    // A modern client answers input_required itself (its retry carries the answers); a legacy one is asked here.
    if (!isInputRequired(result) || downstream?.era === 'modern' || this.era !== 'modern') return result;
    return bridgeInputRequired(result, params, {
      backend: this.name,
      downstream,
      signal: options.signal,
      maxRounds: MAX_INPUT_ROUNDS,
      retry: (retried) => this.requestOnce(method, retried, options, downstream),
    });
  }

  private async requestOnce(
    method: string,
    params: Record<string, unknown> | undefined,
    options: RequestOptions,
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
  hibernate(): Promise<boolean> {
    if (this.inFlight > 0) return Promise.resolve(false);
    return this.lifecycle.hibernate();
  }

  /** Ends a connection that stopped answering, so the registry restarts it with backoff. */
  async recycle(reason: string): Promise<void> {
    if (this.connection) await this.lifecycle.drop(this.connection, reason);
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

  /**
   * Whether this client's requests go over a connection of its own (see wantsOwnConnection). Never for a modern
   * backend: sampling, elicitation and roots travel as input_required, so one sessionless connection serves all.
   */
  wantsOwnConnection(downstream: DownstreamClient | undefined): boolean {
    if ((this.era ?? this.lastEra) === 'modern') return false;
    return wantsOwnConnection(this.config.session_mode, downstream);
  }

  /** The client, when its requests go over a connection of its own (see wantsOwnConnection and the cap). */
  private ownConnectionFor(downstream: DownstreamClient | undefined): DownstreamClient | undefined {
    if (!downstream || !this.wantsOwnConnection(downstream)) return undefined;
    return this.perClient.admits(downstream) ? downstream : undefined;
  }

  /**
   * Until the era is first known, a client that would get a connection of its own waits for the shared one to tell
   * it; after that the last era answers (a hibernated legacy backend is not woken just to ask again).
   */
  private eraPending(downstream: DownstreamClient | undefined): boolean {
    return (
      this.lastEra === undefined &&
      !this.connection &&
      this.config.protocol !== 'legacy' &&
      downstream !== undefined &&
      wantsOwnConnection(this.config.session_mode, downstream)
    );
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
      restarts: this.lifecycle.restarts,
      ...(this.lastError ? { last_error: this.lastError } : {}),
      ...(info ? { server: { name: info.name, version: info.version } } : {}),
      ...(this.protocolVersion ? { protocol: this.protocolVersion } : {}),
    };
  }

  private send(
    method: string,
    params: Record<string, unknown> | undefined,
    options: RequestOptions,
    mayReinitialize: boolean,
    downstream?: DownstreamClient,
  ): Promise<Result> {
    if (this.eraPending(downstream)) {
      return this.opened(this.start()).then(() => this.send(method, params, options, mayReinitialize, downstream));
    }
    const own = this.ownConnectionFor(downstream);
    if (own) return this.sendOwn(own, method, params, options, mayReinitialize);
    // A ready shared connection is used as it is: no await, so no trip through the microtask queue per call.
    if (this._state === 'ready' && this.connection) {
      return this.sendShared(this.connection, method, params, options, mayReinitialize, downstream);
    }
    return this.opened(this.start()).then((connection) =>
      this.sendShared(connection, method, params, options, mayReinitialize, downstream),
    );
  }

  /**
   * On the shared connection. To a modern backend the request carries the capabilities of the client it is made for
   * (what the backend may ask for with input_required); resource subscriptions and the log level, session state
   * that a modern backend does not keep, become the gateway's subscriptions/listen filter and a `_meta` entry.
   */
  private sendShared(
    connection: Connection,
    method: string,
    params: Record<string, unknown> | undefined,
    options: RequestOptions,
    mayReinitialize: boolean,
    downstream?: DownstreamClient,
  ): Promise<Result> {
    if (!(connection.client instanceof EraClient) || connection.client.era !== 'modern') {
      return this.sendOn(connection, method, params, options, mayReinitialize);
    }
    const refusal = this.modern.legacyTaskRefusal(this.name, method, params, downstream);
    if (refusal) return Promise.reject(refusal);
    const answer = this.modern.answer(method, params);
    if (answer) return Promise.resolve(answer);
    return this.sendOn(connection, method, this.modern.paramsFor(params, downstream), options, mayReinitialize);
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
        // A "modern" backend refusing like a legacy one was replaced: its era is asked again.
        if (this.era === 'modern') this.lifecycle.forgetEra();
        this.logger.warn('session expired at the backend; re-initializing');
        if (own) await this.perClient.close(own.sessionId);
        else await this.lifecycle.drop(connection, 'session expired');
        return this.send(method, params, options, false, own);
      }
      // An answer is the backend working; a request the gateway could not serialize is the client's fault.
      const kind = classifyFailure(error);
      if (kind !== 'answered' && kind !== 'rejected') {
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

  /** A new shared connection: its notifications reach clients, its list changes refresh the catalog. */
  private onReady(connection: Connection): void {
    const { client } = connection;
    // Another era at the same place is another server: what it offers is asked anew.
    if (this.lastEra !== undefined && this.lastEra !== this.era) this.catalog.invalidate();
    this.lastEra = this.era;
    client.fallbackNotificationHandler = async (notification) => {
      // The acknowledgement of the gateway's own subscriptions/listen is not news for clients.
      if (notification.method.startsWith('notifications/subscriptions/')) return;
      this.emit('notification', notification.method, notification.params);
    };
    if (this.capabilities?.tools?.listChanged) {
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        this.catalog.invalidate();
        this.refreshTools().catch((error: Error) => this.logger.warn(`tools refresh failed: ${error.message}`));
      });
    }
    if (this.era === 'modern') this.modern.attach(client);
    const info = this.serverInfo;
    const era = this.protocolVersion ? `, protocol ${this.protocolVersion}` : '';
    this.logger.log(`ready via ${connection.kind}${info ? ` (${info.name} ${info.version}${era})` : ''}`);
    if (this.capabilities?.tools && !this.catalog.fresh) {
      this.refreshTools().catch((error: Error) => this.logger.warn(`tools/list failed: ${error.message}`));
    }
  }

  private setState(state: BackendState): void {
    if (this._state === state) return;
    this._state = state;
    this.emit('state', state);
  }
}

/** Rounds of client input a modern backend may ask for in one call before it fails. */
const MAX_INPUT_ROUNDS = 16;
