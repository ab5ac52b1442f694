import type { Logger } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ErrorCode, McpError, ResultSchema, type ServerCapabilities } from '@modelcontextprotocol/sdk/types.js';

/** The longest a timer may wait: a listen request has no timeout of its own. */
const FOREVER_MS = 2 ** 31 - 1;
const RELISTEN_DELAY_MS = 1000;
const TRANSIENT: ReadonlySet<number> = new Set([ErrorCode.ConnectionClosed, ErrorCode.RequestTimeout]);

/**
 * A modern backend's `subscriptions/listen`: one long request on the shared connection asking for its list changes
 * and the resource updates some client subscribed to. Its notifications arrive on the connection like any other
 * (the backend emits them). A change of the subscribed resources reopens it with the new filter; a listen that ends
 * while its connection lives is opened again.
 */
export class UpstreamSubscription {
  /** Client subscriptions per resource URI: the backend is asked once per URI. */
  private readonly resources = new Map<string, number>();
  private client?: Client;
  private current?: AbortController;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    /** The server refused the listen like a legacy one (an HTTP 4xx without a JSON-RPC answer): it was replaced. */
    private readonly onRefused: (reason: string) => void,
  ) {}

  /** Listens on a newly opened modern connection. */
  attach(client: Client): void {
    this.detach();
    this.client = client;
    this.listen();
  }

  /** The connection went away: stop listening on it. */
  detach(): void {
    clearTimeout(this.timer);
    this.current?.abort();
    this.current = undefined;
    this.client = undefined;
  }

  subscribe(uri: string): void {
    const count = this.resources.get(uri) ?? 0;
    this.resources.set(uri, count + 1);
    if (count === 0) this.listen();
  }

  unsubscribe(uri: string): void {
    const count = this.resources.get(uri) ?? 0;
    if (count <= 1) this.resources.delete(uri);
    else this.resources.set(uri, count - 1);
    if (count === 1) this.listen();
  }

  private listen(): void {
    const client = this.client;
    this.current?.abort();
    this.current = undefined;
    clearTimeout(this.timer);
    if (!client) return;
    const notifications = this.filter(client.getServerCapabilities() ?? {});
    if (Object.keys(notifications).length === 0) return;
    const abort = new AbortController();
    this.current = abort;
    client
      .request({ method: 'subscriptions/listen', params: { notifications } }, ResultSchema, {
        signal: abort.signal,
        timeout: FOREVER_MS,
      })
      .then(
        () => this.again(client, abort, 'the backend ended it'),
        (error: Error) => {
          if (error instanceof StreamableHTTPError && this.current === abort && this.client === client) {
            this.current = undefined;
            return this.onRefused(error.message);
          }
          // A backend that refuses to listen (no such method, a bad filter) would refuse again.
          if (error instanceof McpError && !TRANSIENT.has(error.code)) {
            if (this.current === abort) this.logger.warn(`subscriptions/listen refused: ${error.message}`);
            return;
          }
          this.again(client, abort, error.message);
        },
      );
  }

  private again(client: Client, abort: AbortController, why: string): void {
    if (abort.signal.aborted || this.client !== client || this.current !== abort) return;
    this.logger.debug(`subscriptions/listen ended (${why}); listening again`);
    this.timer = setTimeout(() => this.listen(), RELISTEN_DELAY_MS);
    this.timer.unref();
  }

  private filter(capabilities: ServerCapabilities): Record<string, unknown> {
    const uris = [...this.resources.keys()];
    return {
      ...(capabilities.tools?.listChanged ? { toolsListChanged: true } : {}),
      ...(capabilities.prompts?.listChanged ? { promptsListChanged: true } : {}),
      ...(capabilities.resources?.listChanged ? { resourcesListChanged: true } : {}),
      ...(capabilities.resources?.subscribe && uris.length > 0 ? { resourceSubscriptions: uris } : {}),
    };
  }
}
