import type { ServerResponse } from 'node:http';
import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { SERVER_INFO_META_KEY } from '@modelcontextprotocol/server';
import type { JSONRPCRequest, Result } from '@modelcontextprotocol/sdk/types.js';
import { CallGates, type Principal } from '@gateway/auth';
import { BackendUnavailableError, describe, wantsOwnConnection, type Backend } from '@gateway/backends';
import { formatDuration, GatewayConfig } from '@gateway/config';
import { accessCheck, CALL_INTERCEPTORS, orderChain, type CallInterceptor } from '../interceptors/call-interceptor.js';
import { forwardRequest, type HandlerExtra } from '../servers/request-forwarder.js';
import { AggregatedCatalogService } from '../aggregated/aggregated-catalog.service.js';
import { GatewayServerFactory, gatewayInfo } from '../servers/gateway-server.factory.js';
import { GATEWAY_ROUTE } from '../sessions/session-registry.service.js';
import { InputRequiredRelay } from './input-required.relay.js';
import { InputRequiredStore } from './input-required.store.js';
import { ListenHub } from './listen-hub.service.js';
import { ModernCall, REQUEST_STATE_PREFIX, type Step } from './modern-call.js';
import {
  ALL_PROTOCOL_VERSIONS,
  envelopeOf,
  ModernErrorCode,
  withoutEnvelope,
  type Classified,
  type Envelope,
} from './modern-envelope.js';
import { ModernExchange, type Exchange } from './modern-exchange.js';
import { ModernSlots } from './modern-slots.js';

/** Results a client may cache: each carries ttlMs and cacheScope (2026-07-28 caching). */
const CACHEABLE = new Set([
  'tools/list',
  'prompts/list',
  'resources/list',
  'resources/templates/list',
  'resources/read',
]);

/** Legacy-only methods: their modern replacements are named in the error. */
const REPLACED: Record<string, string> = {
  initialize: 'server/discover (or no envelope, to open a 2025-11-25 session)',
  'logging/setLevel': "the io.modelcontextprotocol/logLevel key of each request's _meta",
  'resources/subscribe': 'subscriptions/listen with notifications.resourceSubscriptions',
  'resources/unsubscribe': 'closing the subscriptions/listen stream',
  ping: 'any request (a modern server needs no keep-alive of its own)',
};

/** How long the four meta-tools may be cached: they never change. */
const META_TOOLS_TTL_MS = 60 * 60_000;

interface Request {
  readonly route: string;
  readonly backend?: Backend;
  readonly principal?: Principal;
}

/**
 * The 2026-07-28 surface of /mcp and /mcp/{backend}: stateless requests, each carrying its version, client info and
 * capabilities in `_meta`. They run through the same forwarder, call-interceptor chain, access policy and backend
 * policies as a legacy session's. A legacy backend's sampling, elicitation or roots request reaches the client as an
 * `input_required` result, and the client's retry answers it (see ModernCall).
 */
@Injectable()
export class ModernMcpService {
  private readonly logger = new Logger(ModernMcpService.name);
  private readonly waitMs: number;
  /** Calls in flight by principal, route and JSON-RPC id, for notifications/cancelled. */
  private readonly inFlight = new Map<string, ModernCall>();
  /** Calls that want a shared backend connection's log messages, by backend (one listener each). */
  private readonly logging = new WeakMap<Backend, Set<ModernCall>>();

  constructor(
    config: GatewayConfig,
    private readonly gateway: GatewayServerFactory,
    private readonly gates: CallGates,
    private readonly listen: ListenHub,
    private readonly catalog: AggregatedCatalogService,
    private readonly slots: ModernSlots,
    @Inject(InputRequiredStore) private readonly store: InputRequiredStore,
    private readonly relay: InputRequiredRelay,
    @Optional() @Inject(CALL_INTERCEPTORS) private readonly interceptors: readonly CallInterceptor[] = [],
  ) {
    this.waitMs = config.server.input_required_timeout;
    // A retry that reached another replica, for a call parked here.
    relay.serve((id, message, request, exchange) =>
      this.resume(id, message, request, exchange).catch((error: unknown) => this.fail(exchange, error)),
    );
  }

  async serve(
    classified: Exclude<Classified, { kind: 'legacy' }>,
    request: Request,
    res: ServerResponse,
    body: unknown,
  ): Promise<void> {
    if (classified.kind === 'reject') {
      const id = (body as { id?: string | number }).id ?? null;
      new ModernExchange(res, id).error(classified.code, classified.message, classified.data, classified.status);
      return;
    }
    if (classified.kind === 'modern-notification') {
      if (classified.method === 'notifications/cancelled') {
        const requestId = classified.params?.requestId as string | number | undefined;
        this.inFlight.get(this.key(request, requestId))?.cancel('the client cancelled the request');
      }
      res.writeHead(202).end();
      return;
    }
    const message = classified.message;
    const exchange = new ModernExchange(res, message.id);
    try {
      await this.dispatch(message, request, exchange);
    } catch (error) {
      this.fail(exchange, error);
    }
  }

  private async dispatch(message: JSONRPCRequest, request: Request, exchange: ModernExchange): Promise<void> {
    const { route, backend, principal } = request;
    switch (message.method) {
      case 'server/discover':
        return exchange.result(await this.discover(backend));
      case 'subscriptions/listen': {
        const capabilities = backend ? await this.started(backend).then((b) => b.capabilities ?? {}) : undefined;
        const access = this.gates.accessFor(principal);
        const served = capabilities ?? this.gateway.capabilities;
        return this.listen.serve(route, message, exchange, served, access, principal?.id, (uri) =>
          backend ? Promise.resolve(backend) : this.resourceOwner(uri, message, request, exchange),
        );
      }
    }
    const replaced = REPLACED[message.method];
    if (replaced) {
      const text = `Method not found: ${message.method} is not part of protocol 2026-07-28; use ${replaced}`;
      return exchange.error(ModernErrorCode.MethodNotFound, text);
    }
    const params = (message.params ?? {}) as Record<string, unknown>;
    const state = params.requestState;
    if (typeof state === 'string' && state.startsWith(REQUEST_STATE_PREFIX)) {
      return this.resume(state.slice(REQUEST_STATE_PREFIX.length), message, request, exchange);
    }
    const call = this.newCall(message, request);
    const forwarded = withoutEnvelope(params);
    call.start(
      (extra) =>
        backend
          ? forwardRequest(backend, message.method, forwarded, extra, call.downstream)
          : this.gateway.serve(message.method, forwarded, extra, call.downstream),
      message.id,
    );
    if (backend) this.passLogs(backend, call, envelopeOf(message.params));
    this.track(call, request, message.id);
    await this.drive(call, message, request, exchange);
  }

  /** Known by the id of its latest request, for a notifications/cancelled naming it. */
  private track(call: ModernCall, request: Request, id: string | number): void {
    const key = this.key(request, id);
    this.inFlight.set(key, call);
    call.downstream.onClose(() => {
      if (this.inFlight.get(key) === call) this.inFlight.delete(key);
    });
  }

  /** The backend behind a resource URI of /mcp, found as a resources/read would find it. */
  private resourceOwner(uri: string, message: JSONRPCRequest, request: Request, exchange: ModernExchange) {
    const call = this.newCall(message, request);
    const extra = { signal: exchange.signal, requestId: message.id } as unknown as HandlerExtra;
    return this.catalog.owner(uri, extra, call.downstream).finally(() => call.end());
  }

  /**
   * On a shared backend connection the backend's log messages cannot be told apart by request: while the call runs
   * it gets them as a legacy session on this route does (at its own `_meta` log level, none without one).
   */
  private passLogs(backend: Backend, call: ModernCall, envelope: Envelope): void {
    if (!envelope.logLevel || wantsOwnConnection(backend.config.session_mode, call.downstream)) return;
    let calls = this.logging.get(backend);
    if (!calls) {
      const listening = new Set<ModernCall>();
      backend.on('notification', (method, params) => {
        if (method === 'notifications/message') for (const each of listening) each.notify(method, params);
      });
      this.logging.set(backend, (calls = listening));
    }
    calls.add(call);
    call.downstream.onClose(() => calls.delete(call));
  }

  private newCall(message: JSONRPCRequest, request: Request): ModernCall {
    const { route, principal } = request;
    const id = this.relay.callId();
    // Its audit lines name the call as they name a session.
    const gate = this.gates.forSession(principal, `modern-${id}`, route);
    const chain = orderChain([...(gate ? [accessCheck(gate)] : []), ...(this.interceptors ?? [])]);
    const calls = { route, principal, chain };
    return new ModernCall(
      id,
      message.method,
      route,
      principal?.id,
      envelopeOf(message.params),
      gate,
      calls,
      this.slots,
    );
  }

  /** A retry carrying the gateway's requestState: its inputResponses answer the parked backend requests. */
  private async resume(id: string, message: JSONRPCRequest, request: Request, exchange: Exchange) {
    const params = (message.params ?? {}) as Record<string, unknown>;
    const call = this.store.peek<ModernCall>(id);
    // Parked on another replica (store.redis): served there, answered here.
    const owner = call ? undefined : this.relay.ownerOf(id);
    if (owner) {
      const relayed = { route: request.route, principal: request.principal };
      return this.relay.forward(owner, id, message, relayed, exchange);
    }
    if (!call || call.owner !== request.principal?.id || call.route !== request.route) {
      const text =
        `Invalid params: requestState names no request waiting for input here: it expired (answers must come ` +
        `within ${formatDuration(this.waitMs)}, server.input_required_timeout) or was never issued; ` +
        'send the request again without requestState and inputResponses';
      return exchange.error(ModernErrorCode.InvalidParams, text);
    }
    if (call.method !== message.method) {
      const text = `Invalid params: a retry must repeat ${call.method}, the method its requestState belongs to (got ${message.method})`;
      return exchange.error(ModernErrorCode.InvalidParams, text);
    }
    const responses = params.inputResponses ?? {};
    if (typeof responses !== 'object' || responses === null || Array.isArray(responses)) {
      return exchange.error(ModernErrorCode.InvalidParams, 'Invalid params: inputResponses must be an object');
    }
    const unknown = call.unknownKeys(responses as Record<string, unknown>);
    if (unknown.length > 0) {
      const text =
        `Invalid params: inputResponses names ${unknown.map((key) => JSON.stringify(key)).join(', ')}, which the ` +
        `gateway never asked for; it waits for ${call.asked.map((key) => JSON.stringify(key)).join(', ') || 'nothing'}`;
      return exchange.error(ModernErrorCode.InvalidParams, text);
    }
    if (this.store.take(id) !== call) return exchange.error(ModernErrorCode.InvalidParams, 'requestState expired');
    call.answer(responses as Record<string, unknown>);
    this.track(call, request, message.id);
    await this.drive(call, message, request, exchange);
  }

  /** Answers `exchange` with the call's next step: its result, or input_required (the call then waits, bounded). */
  private async drive(call: ModernCall, message: JSONRPCRequest, request: Request, exchange: Exchange) {
    const done = exchange.whileOpen(() => call.cancel('the client closed the request'));
    let step: Step;
    try {
      step = await call.step(exchange);
    } finally {
      done();
    }
    switch (step.kind) {
      case 'result':
        exchange.result(this.decorate(message.method, step.result, request));
        return call.end();
      case 'error':
        this.fail(exchange, step.error);
        return call.end();
      case 'input':
        if (exchange.finished) return call.end();
        this.store.park(call, this.waitMs, () => call.expire(formatDuration(this.waitMs)));
        exchange.result({
          resultType: 'input_required',
          inputRequests: step.inputRequests,
          requestState: call.requestState,
        });
    }
  }

  private async discover(backend: Backend | undefined): Promise<Result> {
    const server = backend ? await this.started(backend) : undefined;
    const info = server ? (server.serverInfo ?? { name: server.name, version: '0.0.0' }) : gatewayInfo();
    const instructions = server ? server.instructions : this.gateway.instructions;
    return {
      resultType: 'complete',
      supportedVersions: [...ALL_PROTOCOL_VERSIONS],
      capabilities: server ? (server.capabilities ?? {}) : this.gateway.capabilities,
      ...(instructions ? { instructions } : {}),
      ttlMs: 0,
      cacheScope: 'public',
      _meta: { [SERVER_INFO_META_KEY]: info },
    };
  }

  /** A backend that cannot start is unavailable (naming it), not the gateway failing. */
  private async started(backend: Backend): Promise<Backend> {
    await backend.start().catch((error: unknown) => {
      throw error instanceof BackendUnavailableError
        ? error
        : new BackendUnavailableError(backend.name, describe(error));
    });
    return backend;
  }

  /**
   * resultType on every result; ttlMs and cacheScope on list and read results. The answer is private to the caller
   * whenever it depends on who asks (auth on: the access policy filters it), except /mcp's four meta-tools.
   */
  private decorate(method: string, result: Result, request: Request): Result {
    const out: Record<string, unknown> = { ...result };
    out.resultType ??= 'complete';
    if (!CACHEABLE.has(method) || out.resultType !== 'complete') return out;
    const metaTools = request.route === GATEWAY_ROUTE && method === 'tools/list' && this.gateway.metaMode;
    out.ttlMs ??= metaTools ? META_TOOLS_TTL_MS : 0;
    if (request.principal && !metaTools) out.cacheScope = 'private';
    else out.cacheScope ??= 'public';
    return out;
  }

  private fail(exchange: Exchange, error: unknown): void {
    const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
    if (typeof code === 'number' && Number.isInteger(code)) {
      exchange.error(code, typeof message === 'string' ? message : 'Error', data);
      return;
    }
    if (error instanceof BackendUnavailableError) {
      // As for a legacy session that cannot open: 503 naming the backend (a streamed answer has said 200 already).
      exchange.error(-32603, error.message, undefined, 503);
      return;
    }
    this.logger.error(`modern request failed: ${describe(error)}`);
    exchange.error(-32603, `Internal error: ${describe(error)}`);
  }

  private key(request: Request, id: string | number | undefined): string {
    return `${request.principal?.id ?? ''}\u0000${request.route}\u0000${String(id)}`;
  }
}
