import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import {
  ResultSchema,
  type ClientCapabilities,
  type Result,
  type ServerNotification,
  type ServerRequest,
} from '@modelcontextprotocol/sdk/types.js';
import type { CallGate, Principal } from '@gateway/auth';
import type { DownstreamClient } from '@gateway/backends';
import type { CallInterceptor } from '../interceptors/call-interceptor.js';
import type { HandlerExtra } from '../servers/request-forwarder.js';
import type { PrincipalDownstreams } from './principal-downstream.js';

/** The session's side of every GatewayCall, and the interceptors its backend requests run through. */
export interface CallContext {
  readonly route?: string;
  readonly principal?: Principal;
  readonly chain: readonly CallInterceptor[];
}

/** How long a client may take to answer a backend's sampling, elicitation or roots request (a human may be asked). */
const CLIENT_ANSWER_TIMEOUT_MS = 10 * 60_000;

/**
 * One downstream MCP session as the backends see it. A backend's request to the client goes out on the stream of
 * the client's in-flight call that led to it (the newest one, when several are in flight); with no call in flight it
 * goes to the session's GET stream.
 */
export class SessionDownstream implements DownstreamClient {
  private readonly inFlight: HandlerExtra[] = [];
  private readonly closeListeners: Array<() => void> = [];
  private server?: Server;

  constructor(
    readonly sessionId: string,
    /** Which backend notifications this surface shows its client (the meta surface has no resources of its own). */
    private readonly accepts: (method: string) => boolean,
    /** The principal's policy and the audit log around every backend request; none when auth and audit are off. */
    readonly gate?: CallGate,
    /** With auth on: the principal's sessions share their backend connections (see PrincipalDownstream). */
    private readonly principal?: { id: string; groups: PrincipalDownstreams },
    /** What the call-interceptor chain is told of this session, and the chain itself (ordered, access check included). */
    readonly calls: CallContext = { chain: [] },
  ) {}

  private group?: DownstreamClient;

  /** The client backends serve: this session, or with auth on the group of its principal's sessions. */
  forBackend(): DownstreamClient {
    if (!this.principal) return this;
    this.group ??= this.principal.groups.join(this.principal.id, this);
    return this.group;
  }

  /** Whether a client request of this session is in flight. */
  get busy(): boolean {
    return this.inFlight.length > 0;
  }

  attach(server: Server): void {
    this.server = server;
  }

  get capabilities(): ClientCapabilities {
    return this.server?.getClientCapabilities() ?? {};
  }

  /** Marks a client request as in flight until the returned function is called. */
  track(extra: HandlerExtra): () => void {
    this.inFlight.push(extra);
    return () => {
      const index = this.inFlight.lastIndexOf(extra);
      if (index >= 0) this.inFlight.splice(index, 1);
    };
  }

  request(method: string, params: Record<string, unknown> | undefined, signal: AbortSignal): Promise<Result> {
    const request = { method, params } as ServerRequest;
    const options = { signal, timeout: CLIENT_ANSWER_TIMEOUT_MS };
    const extra = this.inFlight.at(-1);
    if (extra) return extra.sendRequest(request, ResultSchema, options);
    if (!this.server) return Promise.reject(new Error('client session is not initialized'));
    return this.server.request(request, ResultSchema, options);
  }

  async notify(method: string, params: Record<string, unknown> | undefined): Promise<void> {
    if (!this.accepts(method)) return;
    const notification = { method, params } as ServerNotification;
    const extra = this.inFlight.at(-1);
    if (extra) await extra.sendNotification(notification);
    else await this.server?.notification(notification);
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  closed(): void {
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}
