import type { ServerResponse } from 'node:http';

type Id = string | number | null;

/** HTTP statuses 2026-07-28 gives JSON-RPC errors of a served request: method not found, missing client capability. */
const STATUS_OF: Record<number, number> = { [-32601]: 404, [-32021]: 400 };

/** Where a modern request's answer goes: its client's HTTP response, or another replica's that relayed the request. */
export interface Exchange {
  readonly id: Id;
  /** Aborted when the client goes away before the answer. */
  readonly signal: AbortSignal;
  readonly finished: boolean;
  /** Calls `cancel` if the client goes away before the answer, until the returned function is called. */
  whileOpen(cancel: () => void): () => void;
  notify(method: string, params: Record<string, unknown> | undefined): void;
  result(result: Record<string, unknown>): void;
  error(code: number, message: string, data?: unknown, status?: number): void;
}

/**
 * The HTTP answer to one modern request: a JSON body, or an SSE stream once something has to reach the client before
 * the result (progress, log messages, a subscriptions/listen stream). Closing the connection before the answer is
 * the client cancelling the request (`signal`).
 */
export class ModernExchange implements Exchange {
  private sse = false;
  private done = false;
  /** Made on first use: most requests never need one (see whileOpen). */
  private abort?: AbortController;
  private gone = false;
  private onGone?: () => void;

  constructor(
    private readonly res: ServerResponse,
    readonly id: Id,
  ) {
    res.once('close', () => {
      if (this.done) return;
      this.gone = true;
      this.abort?.abort(new Error('the client closed the request'));
      this.onGone?.();
    });
  }

  /** Aborted when the client goes away before the answer. */
  get signal(): AbortSignal {
    if (!this.abort) {
      this.abort = new AbortController();
      if (this.gone) this.abort.abort(new Error('the client closed the request'));
    }
    return this.abort.signal;
  }

  /**
   * Calls `cancel` if the client goes away before the answer, until the returned function is called: the signal's
   * listener without an AbortController and an event listener per request. Like a listener added to an aborted
   * signal, it is not called for a client already gone.
   */
  whileOpen(cancel: () => void): () => void {
    this.onGone = cancel;
    return () => {
      if (this.onGone === cancel) this.onGone = undefined;
    };
  }

  get finished(): boolean {
    return this.done || this.res.destroyed;
  }

  /** Opens the SSE stream now (subscriptions/listen) rather than at the first notification. */
  stream(): void {
    if (this.sse || this.finished) return;
    this.sse = true;
    this.res.writeHead(200, {
      'content-type': 'text/event-stream',
      'cache-control': 'no-cache',
      connection: 'keep-alive',
    });
    this.res.flushHeaders();
  }

  notify(method: string, params: Record<string, unknown> | undefined): void {
    if (this.finished) return;
    this.stream();
    this.write({ jsonrpc: '2.0', method, ...(params ? { params } : {}) });
  }

  result(result: Record<string, unknown>): void {
    this.finish({ jsonrpc: '2.0', id: this.id, result });
  }

  /**
   * A JSON-RPC error; `status` applies only while no stream is open (a stream already said 200). By default a
   * handler's error is HTTP 200, except method-not-found (404) and a missing client capability (400), as 2026-07-28
   * wants.
   */
  error(code: number, message: string, data?: unknown, status = STATUS_OF[code] ?? 200): void {
    this.finish(
      { jsonrpc: '2.0', id: this.id, error: { code, message, ...(data === undefined ? {} : { data }) } },
      status,
    );
  }

  private finish(message: Record<string, unknown>, status = 200): void {
    if (this.finished) return;
    this.done = true;
    if (this.sse) {
      this.write(message);
      this.res.end();
      return;
    }
    this.res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(message));
  }

  private write(message: Record<string, unknown>): void {
    this.res.write(`event: message\ndata: ${JSON.stringify(message)}\n\n`);
  }
}
