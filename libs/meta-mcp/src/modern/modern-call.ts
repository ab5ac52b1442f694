import {
  LoggingLevelSchema,
  type LoggingLevel,
  type Result,
  type ServerNotification,
} from '@modelcontextprotocol/sdk/types.js';
import type { CallGate } from '@gateway/auth';
import { callbackCapabilities, type DownstreamClient } from '@gateway/backends';
import type { HandlerExtra } from '../servers/request-forwarder.js';
import { SessionDownstream, type CallContext } from '../sessions/session-downstream.js';
import type { ParkedCall } from './input-required.store.js';
import type { Envelope } from './modern-envelope.js';
import type { Exchange } from './modern-exchange.js';
import type { ModernSlot, ModernSlots, SlotHolder } from './modern-slots.js';

/** Marks a requestState the gateway issued; any other requestState belongs to a modern backend and is passed on. */
export const REQUEST_STATE_PREFIX = 'mcp-gateway.1.';

/** The methods whose result may be `input_required` (2026-07-28 multi round-trip requests). */
const MAY_ASK = new Set(['tools/call', 'prompts/get', 'resources/read']);

/** The client capability each server-to-client request needs. */
const NEEDS: Record<string, 'sampling' | 'elicitation' | 'roots'> = {
  'sampling/createMessage': 'sampling',
  'elicitation/create': 'elicitation',
  'roots/list': 'roots',
};

const SEVERITY: readonly LoggingLevel[] = LoggingLevelSchema.options;

interface Pending {
  readonly method: string;
  readonly params: Record<string, unknown> | undefined;
  readonly resolve: (result: Result) => void;
  readonly reject: (error: Error) => void;
  /** Sent to the client in an input_required result, so its retry may answer it. */
  issued: boolean;
}

export type Step =
  | { readonly kind: 'result'; readonly result: Result }
  | { readonly kind: 'error'; readonly error: unknown }
  | { readonly kind: 'input'; readonly inputRequests: Record<string, { method: string; params?: unknown }> };

/** A modern client as the backends see it: no session, and its answers to backend requests come by MRTR retries. */
export class ModernDownstream extends SessionDownstream {
  readonly era = 'modern' as const;

  constructor(
    sessionId: string,
    private readonly envelope: Envelope,
    gate: CallGate | undefined,
    calls: CallContext,
    private readonly call: ModernCall,
    private readonly slot?: ModernSlot,
  ) {
    super(sessionId, () => true, gate, undefined, calls);
  }

  /** The client backends serve: the call's slot when it can answer callbacks (a connection of its own), else itself. */
  override forBackend(): DownstreamClient {
    return this.slot ?? this;
  }

  override get capabilities() {
    return this.envelope.capabilities;
  }

  override request(method: string, params: Record<string, unknown> | undefined, signal: AbortSignal): Promise<Result> {
    return this.call.ask(method, params, signal);
  }

  override notify(method: string, params: Record<string, unknown> | undefined): Promise<void> {
    this.call.notify(method, params);
    return Promise.resolve();
  }
}

/**
 * One modern client request from its first POST to its final result, across the retries of multi round-trip
 * requests. A legacy backend's sampling, elicitation or roots request is parked (ask) and the client's HTTP request
 * is answered with `input_required`; the retry answers the parked requests and waits for what comes next.
 */
export class ModernCall implements ParkedCall, SlotHolder {
  readonly downstream: ModernDownstream;
  private readonly slot?: ModernSlot;
  private readonly pending = new Map<string, Pending>();
  private counter = 0;
  private exchange?: Exchange;
  private readonly abort = new AbortController();
  private outcome?: Promise<Step>;
  private wake?: () => void;
  private ended = false;
  /** The backend request has answered (or failed): nothing is left to cancel. */
  private settled = false;

  constructor(
    readonly id: string,
    readonly method: string,
    readonly route: string,
    readonly owner: string | undefined,
    private readonly envelope: Envelope,
    gate: CallGate | undefined,
    calls: CallContext,
    private readonly slots?: ModernSlots,
  ) {
    const callbacks = Object.keys(callbackCapabilities(envelope.capabilities)).length > 0;
    this.slot = callbacks ? slots?.take(route, owner, envelope.clientName, envelope.capabilities, this) : undefined;
    this.downstream = new ModernDownstream(`modern-${this.id}`, envelope, gate, calls, this, this.slot);
  }

  get requestState(): string {
    return REQUEST_STATE_PREFIX + this.id;
  }

  start(run: (extra: HandlerExtra) => Promise<Result>, requestId: string | number): void {
    const extra = {
      signal: this.abort.signal,
      requestId,
      sendNotification: (notification: ServerNotification) => {
        this.exchange?.notify(notification.method, notification.params);
        return Promise.resolve();
      },
      sendRequest: () => Promise.reject(new Error('a modern client is asked through input_required results')),
    } as unknown as HandlerExtra;
    this.outcome = run(extra).then(
      (result): Step => {
        this.settled = true;
        return { kind: 'result', result };
      },
      (error: unknown): Step => {
        this.settled = true;
        return { kind: 'error', error };
      },
    );
  }

  /** Runs until the call's result, or until it needs the client's input (answered on `exchange`). */
  async step(exchange: Exchange): Promise<Step> {
    this.exchange = exchange;
    const input = new Promise<Step>((resolve) => {
      // Requests raised together go out in one input_required result.
      this.wake = () => setImmediate(() => resolve(this.inputStep()));
      if (this.pending.size > 0) this.wake();
    });
    const step = await Promise.race([this.outcome!, input]);
    this.wake = undefined;
    if (step.kind === 'input') this.exchange = undefined;
    return step;
  }

  mayAsk(method: string): boolean {
    const needs = NEEDS[method];
    return !this.ended && MAY_ASK.has(this.method) && needs !== undefined && !!this.envelope.capabilities[needs];
  }

  /** A backend's request to the client: parked until the client's retry answers it. */
  ask(method: string, params: Record<string, unknown> | undefined, signal: AbortSignal): Promise<Result> {
    const needs = NEEDS[method];
    if (!needs) return Promise.reject(new Error(`a modern client cannot be sent ${method}`));
    if (!this.envelope.capabilities[needs]) {
      return Promise.reject(new Error(`the client did not declare the ${needs} capability`));
    }
    if (!MAY_ASK.has(this.method) || this.ended) {
      return Promise.reject(
        new Error(`the client can answer ${method} only during tools/call, prompts/get or resources/read`),
      );
    }
    return new Promise<Result>((resolve, reject) => {
      const key = `${needs}-${++this.counter}`;
      this.pending.set(key, { method, params, resolve, reject, issued: false });
      signal.addEventListener(
        'abort',
        () => {
          if (this.pending.delete(key)) reject(signal.reason instanceof Error ? signal.reason : new Error('cancelled'));
        },
        { once: true },
      );
      this.wake?.();
    });
  }

  /** Keys of `responses` that name no request the client was asked (and has not answered yet). */
  unknownKeys(responses: Record<string, unknown>): string[] {
    return Object.keys(responses).filter((key) => !this.pending.get(key)?.issued);
  }

  /** What the client was asked and has not answered. */
  get asked(): string[] {
    return [...this.pending].filter(([, pending]) => pending.issued).map(([key]) => key);
  }

  answer(responses: Record<string, unknown>): void {
    for (const [key, response] of Object.entries(responses)) {
      const pending = this.pending.get(key);
      if (!pending?.issued) continue;
      this.pending.delete(key);
      const { resultType: _type, ...result } = (response ?? {}) as Record<string, unknown>;
      pending.resolve(result);
    }
  }

  /** Log messages at or above the request's `_meta` log level go on its stream; none without one. */
  notify(method: string, params: Record<string, unknown> | undefined): void {
    if (method !== 'notifications/message') return;
    const wanted = this.envelope.logLevel;
    if (!wanted || SEVERITY.indexOf(params?.level as LoggingLevel) < SEVERITY.indexOf(wanted)) return;
    this.exchange?.notify(method, params);
  }

  /** The client went away or cancelled: the backend request is cancelled. */
  cancel(reason: string): void {
    this.end(new Error(reason));
  }

  /** Nothing came back within the bounded wait. */
  expire(waitedFor: string): void {
    this.end(new Error(`the client did not answer within ${waitedFor} (server.input_required_timeout)`));
  }

  /** The call is over: parked requests fail, the backend request is cancelled, a connection of its own closes. */
  end(reason?: Error): void {
    if (this.ended) return;
    this.ended = true;
    // The reason is made only when something is told of it: an Error's stack trace costs more than the rest of end().
    if (this.pending.size > 0 || !this.settled) reason ??= new Error('the request ended');
    for (const pending of this.pending.values()) pending.reject(reason!);
    this.pending.clear();
    // Only a request still running is cancelled: aborting after its answer would send the backend a
    // notifications/cancelled for a request it has finished (the SDK keeps its abort listener after the response).
    if (!this.settled) this.abort.abort(reason);
    if (this.slot) this.slots?.give(this.slot, this);
    this.downstream.closed();
  }

  private inputStep(): Step {
    const inputRequests: Record<string, { method: string; params?: unknown }> = {};
    for (const [key, pending] of this.pending) {
      pending.issued = true;
      inputRequests[key] = { method: pending.method, ...(pending.params ? { params: pending.params } : {}) };
    }
    return { kind: 'input', inputRequests };
  }
}
