import { EventEmitter } from 'node:events';
import { Logger } from '@nestjs/common';
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
import { redactSecretText, type BackendConfig, type BackendProtocolSetting } from '@gateway/config';
import { isRepeatable, type BackendPolicy, type PolicyCall } from '@gateway/resilience';
import type { BackendStatus, BackendState } from './backend-status.js';
import { callbackCapabilities, wantsOwnConnection, type DownstreamClient } from './downstream-client.js';
import { PerClientConnections } from './per-client-connections.js';
import type { BackendConnector, Connection, TransportActivity } from './transports/backend-connector.js';
import { ToolCatalog } from './tool-catalog.js';
import { EraClient, LegacyBackendError, ModernOnlyBackendError, ProbeClosedError } from './era/era-client.js';
import { bridgeInputRequired } from './era/input-bridge.js';
import {
  CLIENT_CAPABILITIES_META_KEY,
  isInputRequired,
  LOG_LEVEL_META_KEY,
  MODERN_PROTOCOL_VERSION,
  type BackendEra,
} from './era/modern-protocol.js';
import { UpstreamSubscription } from './era/upstream-subscription.js';

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
  /** The era an HTTP backend answered with last: its next connection skips the probe until that stops holding. */
  private knownEra?: BackendEra;
  /** A modern backend's subscriptions/listen (list changes, resource updates clients subscribed to). */
  private readonly upstream: UpstreamSubscription;
  /** The most verbose log level a client asked a modern backend for: it travels in each request's `_meta`. */
  private logLevel?: string;
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
    this.upstream = new UpstreamSubscription(this.logger);
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
    this.upstream.detach();
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
  async hibernate(): Promise<boolean> {
    const connection = this.connection;
    if (!connection || this._state !== 'ready' || this.inFlight > 0) return false;
    this.connection = undefined;
    this.upstream.detach();
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

  /**
   * Whether this client's requests go over a connection of its own (see wantsOwnConnection). Never for a modern
   * backend: sampling, elicitation and roots travel as input_required, so one sessionless connection serves all.
   */
  wantsOwnConnection(downstream: DownstreamClient | undefined): boolean {
    if (this.era === 'modern') return false;
    return wantsOwnConnection(this.config.session_mode, downstream);
  }

  /** The client, when its requests go over a connection of its own (see wantsOwnConnection and the cap). */
  private ownConnectionFor(downstream: DownstreamClient | undefined): DownstreamClient | undefined {
    if (!downstream || !this.wantsOwnConnection(downstream)) return undefined;
    return this.perClient.admits(downstream) ? downstream : undefined;
  }

  /** Until the era is known, a client that would get a connection of its own waits for the shared one to tell it. */
  private eraPending(downstream: DownstreamClient | undefined): boolean {
    return (
      !this.connection &&
      this.defaultProtocol !== 'legacy' &&
      downstream !== undefined &&
      wantsOwnConnection(this.config.session_mode, downstream)
    );
  }

  /** `protocol: auto` probes built-in transports; a host's own connector speaks legacy unless told `modern`. */
  private get defaultProtocol(): BackendProtocolSetting {
    return this.config.custom && this.config.protocol === 'auto' ? 'legacy' : this.config.protocol;
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
    const uri = typeof params?.uri === 'string' ? params.uri : undefined;
    if (method === 'resources/subscribe' && uri !== undefined) return this.answered(() => this.upstream.subscribe(uri));
    if (method === 'resources/unsubscribe' && uri !== undefined) {
      return this.answered(() => this.upstream.unsubscribe(uri));
    }
    if (method === 'logging/setLevel' && typeof params?.level === 'string') {
      const level = params.level;
      return this.answered(() => (this.logLevel = level));
    }
    const meta = { ...(params?._meta as Record<string, unknown> | undefined) };
    if (downstream && downstream.era !== 'modern' && !(CLIENT_CAPABILITIES_META_KEY in meta)) {
      meta[CLIENT_CAPABILITIES_META_KEY] = callbackCapabilities(downstream.capabilities);
    }
    if (this.logLevel !== undefined && !(LOG_LEVEL_META_KEY in meta)) meta[LOG_LEVEL_META_KEY] = this.logLevel;
    const sent = Object.keys(meta).length > 0 ? { ...params, _meta: meta } : params;
    return this.sendOn(connection, method, sent, options, mayReinitialize);
  }

  private answered(apply: () => unknown): Promise<Result> {
    apply();
    return Promise.resolve({});
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
        if (this.era === 'modern') this.knownEra = undefined;
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
    const abort = new AbortController();
    this.startAbort = abort;
    try {
      const connection = await this.connectInEra(abort.signal);
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

  /**
   * Opens a connection in the backend's era: probed unless `protocol` says, or an HTTP backend's last answer is
   * taken as known. A cached answer that no longer holds (a modern backend now legacy, or the reverse) is dropped and
   * the era asked again; a stdio process that exits on the probe is a legacy server, started again to initialize.
   */
  private async connectInEra(signal: AbortSignal): Promise<Connection> {
    const setting = this.defaultProtocol;
    const cached = setting === 'auto' && this.config.kind !== 'stdio' ? this.knownEra : undefined;
    const attempt = (protocol: BackendProtocolSetting) =>
      this.deps.connector.connect({
        name: this.name,
        config: this.config,
        timeoutMs: this.deps.connectTimeoutMs,
        createClient: (options) =>
          new EraClient(
            this.deps.clientInfo,
            {},
            {
              protocol: options?.protocol ?? protocol,
              backend: this.name,
              transport: options?.transport ?? 'stdio',
              probeTimeoutMs: Math.min(PROBE_TIMEOUT_MS, this.deps.connectTimeoutMs),
            },
          ),
        protocol,
        onStderrLine: (line) => this.logger.log(line),
        signal,
      });
    let connection: Connection;
    try {
      connection = await attempt(cached ?? setting);
    } catch (error) {
      const stale = cached && (error instanceof LegacyBackendError || error instanceof ModernOnlyBackendError);
      if (stale) this.logger.log(`no longer speaks the ${cached} protocol; asking its era again`);
      else if (error instanceof ProbeClosedError && setting === 'auto') this.logger.log(error.message);
      else throw error;
      this.knownEra = undefined;
      connection = await attempt(error instanceof ProbeClosedError ? 'legacy' : setting);
    }
    const client = connection.client;
    this.knownEra = client instanceof EraClient ? client.era : 'legacy';
    return connection;
  }

  private adopt(connection: Connection): void {
    this.connection = connection;
    const { client } = connection;
    client.onclose = () => void this.onConnectionLost(connection);
    client.onerror = (error) => this.logger.debug(`transport error: ${error.message}`);
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
    this.lastError = undefined;
    this.setState('ready');
    if (this.era === 'modern') this.upstream.attach(client);
    const info = this.serverInfo;
    const era = this.protocolVersion ? `, protocol ${this.protocolVersion}` : '';
    this.logger.log(`ready via ${connection.kind}${info ? ` (${info.name} ${info.version}${era})` : ''}`);
    if (this.capabilities?.tools && !this.catalog.fresh) {
      this.refreshTools().catch((error: Error) => this.logger.warn(`tools/list failed: ${error.message}`));
    }
  }

  private async onConnectionLost(connection: Connection): Promise<void> {
    if (this.connection !== connection || this.stopping) return;
    this.connection = undefined;
    this.upstream.detach();
    const exit = 'exitInfo' in connection.transport ? (connection.transport.exitInfo as string | undefined) : undefined;
    this.lastError = exit ? `process ${exit}` : 'connection closed';
    this.setState('failed');
    this.logger.warn(`connection lost: ${this.lastError}; it restarts on next use`);
    await connection.close().catch(() => undefined);
  }

  private async dropConnection(connection: Connection, reason: string): Promise<void> {
    if (this.connection === connection) {
      this.connection = undefined;
      this.upstream.detach();
    }
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

/** Rounds of client input a modern backend may ask for in one call before it fails. */
const MAX_INPUT_ROUNDS = 16;
/** A stdio server silent this long on server/discover is a legacy one. */
const PROBE_TIMEOUT_MS = 5000;

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
