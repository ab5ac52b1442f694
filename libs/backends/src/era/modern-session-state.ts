import type { Logger } from '@nestjs/common';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ErrorCode, McpError, type Result } from '@modelcontextprotocol/sdk/types.js';
import { callbackCapabilities, type DownstreamClient } from '../downstream-client.js';
import { CLIENT_CAPABILITIES_META_KEY, LOG_LEVEL_META_KEY } from './modern-protocol.js';
import { UpstreamSubscription } from './upstream-subscription.js';

const LEGACY_TASK_METHODS: ReadonlySet<string> = new Set(['tasks/get', 'tasks/result', 'tasks/list', 'tasks/cancel']);

/**
 * What a legacy session kept at the backend, kept by the gateway for a modern backend, which has no session:
 * resource subscriptions (the filter of the gateway's subscriptions/listen) and the log level (a `_meta` entry of
 * each request). Each request also declares the capabilities of the client it is made for, so the backend asks
 * (with input_required) only for what that client can answer.
 */
export class ModernSessionState {
  private readonly upstream: UpstreamSubscription;
  /** The most verbose log level a client asked for. */
  private logLevel?: string;

  constructor(logger: Logger, onRefused: (reason: string) => void) {
    this.upstream = new UpstreamSubscription(logger, onRefused);
  }

  /** A modern connection opened: listen on it. */
  attach(client: Client): void {
    this.upstream.attach(client);
  }

  detach(): void {
    this.upstream.detach();
  }

  /** The answer to a request that is session state here (subscribe, unsubscribe, setLevel); undefined for others. */
  answer(method: string, params: Record<string, unknown> | undefined): Result | undefined {
    const uri = typeof params?.uri === 'string' ? params.uri : undefined;
    if (method === 'resources/subscribe' && uri !== undefined) this.upstream.subscribe(uri);
    else if (method === 'resources/unsubscribe' && uri !== undefined) this.upstream.unsubscribe(uri);
    else if (method === 'logging/setLevel' && typeof params?.level === 'string') this.logLevel = params.level;
    else return undefined;
    return {};
  }

  /**
   * A legacy client's tasks (2025-11-25: a `task` on the request, tasks/get, tasks/result, ...) have no counterpart
   * a modern backend shares: 2026-07-28 moved tasks into an extension with another dialect, which is not bridged.
   */
  legacyTaskRefusal(
    backend: string,
    method: string,
    params: Record<string, unknown> | undefined,
    downstream: DownstreamClient | undefined,
  ): McpError | undefined {
    if (downstream?.era === 'modern') return undefined;
    if (params?.task === undefined && !LEGACY_TASK_METHODS.has(method)) return undefined;
    return new McpError(
      ErrorCode.InvalidRequest,
      `backend "${backend}" speaks MCP 2026-07-28, whose tasks (the io.modelcontextprotocol/tasks extension) the ` +
        `gateway does not bridge to 2025-11-25 tasks; call ${method === 'tools/call' ? 'the tool' : 'it'} without a task`,
    );
  }

  /** `params` with the client's capabilities and the log level in `_meta`, unless the caller set them. */
  paramsFor(
    params: Record<string, unknown> | undefined,
    downstream: DownstreamClient | undefined,
  ): Record<string, unknown> | undefined {
    const meta = { ...(params?._meta as Record<string, unknown> | undefined) };
    if (downstream && !(CLIENT_CAPABILITIES_META_KEY in meta)) {
      meta[CLIENT_CAPABILITIES_META_KEY] = callbackCapabilities(downstream.capabilities);
    }
    if (this.logLevel !== undefined && !(LOG_LEVEL_META_KEY in meta)) meta[LOG_LEVEL_META_KEY] = this.logLevel;
    return Object.keys(meta).length > 0 ? { ...params, _meta: meta } : params;
  }
}
