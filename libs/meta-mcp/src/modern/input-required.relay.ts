import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import type { JSONRPCRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Principal } from '@gateway/auth';
import { describe } from '@gateway/backends';
import { ReplicaChannel } from '@gateway/store';
import type { Exchange } from './modern-exchange.js';

const TOPIC = 'input-required';

/** What the owner of a parked call needs to serve a retry that reached another replica. */
export interface RelayedRequest {
  readonly route: string;
  readonly principal?: Principal;
}

/** Serves a retry of the parked call `id` on this replica, answering on `exchange`. */
export type RetryHandler = (
  id: string,
  message: JSONRPCRequest,
  request: RelayedRequest,
  exchange: Exchange,
) => Promise<void>;

type Message =
  | { kind: 'retry'; relay: string; from: string; id: string; message: JSONRPCRequest; request: RelayedRequest }
  | { kind: 'cancel'; relay: string }
  | { kind: 'notify'; relay: string; method: string; params?: Record<string, unknown> }
  | { kind: 'result'; relay: string; result: Record<string, unknown> }
  | { kind: 'error'; relay: string; code: number; message: string; data?: unknown; status?: number };

/**
 * With several replicas (`store.redis`), the retry of a modern client's call parked for input_required may reach
 * a replica other than the one running the call (and its stdio backend). The call's id names its replica; the
 * retry is sent there (a channel of its own in Redis), served as if it had arrived there, and what it answers
 * (progress and log messages, the result, the next input_required or an error) comes back to the replica holding
 * the client's HTTP request. While it waits, that replica watches the owner's liveness key: once it has expired,
 * the client gets an error saying the call's outcome is unknown. A retry reaching the owner costs no Redis.
 */
@Injectable()
export class InputRequiredRelay {
  private readonly logger = new Logger(InputRequiredRelay.name);
  /** Retries relayed from here, by relay id: their client's exchange. */
  private readonly waiting = new Map<string, (message: Message) => void>();
  /** Retries served here for another replica, by relay id. */
  private readonly serving = new Map<string, RelayedExchange>();
  private handler?: RetryHandler;

  constructor(private readonly channel: ReplicaChannel) {
    if (!channel.enabled) return;
    channel.on<Message>(TOPIC, (message) => this.received(message));
  }

  /** A new call's id: with Redis, it names this replica (`<replica>.<uuid>`). */
  callId(): string {
    return this.channel.enabled ? `${this.channel.id}.${randomUUID()}` : randomUUID();
  }

  /** The replica holding the call `id` when it is another one (none without Redis). */
  ownerOf(id: string): string | undefined {
    if (!this.channel.enabled) return undefined;
    const dot = id.indexOf('.');
    const owner = dot > 0 ? id.slice(0, dot) : undefined;
    return owner === this.channel.id ? undefined : owner;
  }

  /** How this replica serves a retry relayed to it. */
  serve(handler: RetryHandler): void {
    this.handler = handler;
  }

  /** Sends the retry to `owner` and answers `exchange` with what comes back; resolves once it is answered. */
  async forward(
    owner: string,
    id: string,
    message: JSONRPCRequest,
    request: RelayedRequest,
    exchange: Exchange,
  ): Promise<void> {
    const relay = randomUUID();
    let answered!: () => void;
    const done = new Promise<void>((resolve) => (answered = resolve));
    this.waiting.set(relay, (reply) => {
      if (reply.kind === 'notify') return exchange.notify(reply.method, reply.params);
      if (reply.kind === 'result') exchange.result(reply.result);
      else if (reply.kind === 'error') exchange.error(reply.code, reply.message, reply.data, reply.status);
      answered();
    });
    const stopWatching = exchange.whileOpen(() => void this.channel.send(owner, TOPIC, { kind: 'cancel', relay }));
    const pollMs = Math.max(50, this.channel.liveness.ttlMs / 4);
    const retry: Message = { kind: 'retry', relay, from: this.channel.id, id, message, request };
    try {
      // Until the owner takes it: it may be reconnecting to Redis, so it is given until its liveness expires.
      let sent = await this.channel.send(owner, TOPIC, retry);
      let unknownSince = sent === undefined ? Date.now() : undefined;
      while (!sent) {
        const alive = await this.channel.liveness.alive(owner);
        if (this.answeredGone(owner, exchange, alive, unknownSince)) return;
        await pause(pollMs);
        sent = await this.channel.send(owner, TOPIC, retry);
        unknownSince = sent === undefined ? (unknownSince ?? Date.now()) : undefined;
      }
      // Then until its answer, as long as the owner lives and the client waits.
      unknownSince = undefined;
      while (!(await Promise.race([done.then(() => true), pause(pollMs).then(() => false)]))) {
        if (exchange.finished) return;
        const alive = await this.channel.liveness.alive(owner);
        unknownSince = alive === undefined ? (unknownSince ?? Date.now()) : undefined;
        if (this.answeredGone(owner, exchange, alive, unknownSince)) return;
      }
    } finally {
      stopWatching();
      this.waiting.delete(relay);
    }
  }

  /**
   * Answers `exchange` with an error when the owner is gone (its liveness expired) or Redis could not say for a
   * whole liveness period (since `unknownSince`); false while the owner may still answer.
   */
  private answeredGone(
    owner: string,
    exchange: Exchange,
    alive: boolean | undefined,
    unknownSince: number | undefined,
  ): boolean {
    if (exchange.finished) return true;
    if (alive === false) {
      exchange.error(
        -32603,
        `replica ${owner} holding this request (its requestState) is gone: its liveness key in Redis expired, so ` +
          "the call's outcome is unknown; send the request again without requestState and inputResponses if it " +
          'is safe to repeat',
        { replica: owner },
      );
      return true;
    }
    if (alive === undefined && this.unknownTooLong(unknownSince)) {
      exchange.error(
        -32603,
        `Redis is unavailable, so replica ${owner} holding this request (its requestState) cannot be reached; ` +
          "the call's outcome is unknown",
        { replica: owner },
      );
      return true;
    }
    return false;
  }

  private unknownTooLong(since: number | undefined): boolean {
    return since !== undefined && Date.now() - since > this.channel.liveness.ttlMs;
  }

  private received(message: Message): void {
    if (message.kind === 'retry') return this.serveRetry(message);
    if (message.kind === 'cancel') return this.serving.get(message.relay)?.cancel();
    this.waiting.get(message.relay)?.(message);
  }

  /** A retry another replica got for a call parked here: served as if it had come here, answered over there. */
  private serveRetry(retry: Extract<Message, { kind: 'retry' }>): void {
    const exchange = new RelayedExchange(retry.message.id, (reply) => {
      void this.channel.send(retry.from, TOPIC, { ...reply, relay: retry.relay });
    });
    if (!this.handler) return exchange.error(-32603, 'Internal error: this replica does not serve relayed retries');
    this.serving.set(retry.relay, exchange);
    this.handler(retry.id, retry.message, retry.request, exchange)
      .catch((error: unknown) => {
        this.logger.error(`relayed retry failed: ${describe(error)}`);
        exchange.error(-32603, `Internal error: ${describe(error)}`);
      })
      .finally(() => this.serving.delete(retry.relay));
  }
}

type Reply = Exclude<Message, { kind: 'retry' | 'cancel' }>;
type Unaddressed<T> = T extends unknown ? Omit<T, 'relay'> : never;

/** The answer to a retry served here for another replica: each part is sent back there. */
class RelayedExchange implements Exchange {
  private done = false;
  private readonly abort = new AbortController();

  constructor(
    readonly id: string | number | null,
    private readonly send: (reply: Unaddressed<Reply>) => void,
  ) {}

  get signal(): AbortSignal {
    return this.abort.signal;
  }

  get finished(): boolean {
    return this.done;
  }

  whileOpen(cancel: () => void): () => void {
    this.abort.signal.addEventListener('abort', cancel, { once: true });
    return () => this.abort.signal.removeEventListener('abort', cancel);
  }

  /** The client went away from the replica holding its request. */
  cancel(): void {
    if (!this.done) this.abort.abort(new Error('the client closed the request'));
  }

  notify(method: string, params: Record<string, unknown> | undefined): void {
    if (!this.done) this.send({ kind: 'notify', method, ...(params ? { params } : {}) });
  }

  result(result: Record<string, unknown>): void {
    if (this.done) return;
    this.done = true;
    this.send({ kind: 'result', result });
  }

  error(code: number, message: string, data?: unknown, status?: number): void {
    if (this.done) return;
    this.done = true;
    this.send({ kind: 'error', code, message, ...(data === undefined ? {} : { data }), status });
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
