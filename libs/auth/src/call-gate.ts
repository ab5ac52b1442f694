import { ErrorCode, type Result } from '@modelcontextprotocol/sdk/types.js';
import type { Access, CapabilityKind } from './access-policy.js';
import type { AuditEntry, AuditLog, AuditOutcome } from './audit-log.service.js';
import type { AuthMetrics } from './auth-metrics.service.js';
import type { Principal } from './principal.js';

export interface GatedCall {
  backend: string;
  method: string;
  params?: Record<string, unknown>;
  /** The client's JSON-RPC id. */
  requestId?: string | number;
}

/** The capability a request names, when it names one. */
function targetOf(method: string, params: Record<string, unknown> | undefined) {
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  const name = (key: string) => text(params?.[key]);
  switch (method) {
    case 'tools/call':
      return { kind: 'tool' as const, name: name('name') };
    case 'prompts/get':
      return { kind: 'prompt' as const, name: name('name') };
    case 'resources/read':
    case 'resources/subscribe':
    case 'resources/unsubscribe':
      return { kind: 'resource' as const, name: name('uri') };
    case 'completion/complete': {
      const ref = (params?.ref ?? {}) as Record<string, unknown>;
      return ref.type === 'ref/prompt'
        ? { kind: 'prompt' as const, name: text(ref.name) }
        : { kind: 'resource' as const, name: text(ref.uri) };
    }
    default:
      return undefined;
  }
}

/** List results filtered item by item: which key holds the items, and which kind and field name each. */
const LISTS: Record<string, { key: string; kind: CapabilityKind; field: string }> = {
  'tools/list': { key: 'tools', kind: 'tool', field: 'name' },
  'prompts/list': { key: 'prompts', kind: 'prompt', field: 'name' },
  'resources/list': { key: 'resources', kind: 'resource', field: 'uri' },
  'resources/templates/list': { key: 'resourceTemplates', kind: 'resource', field: 'uriTemplate' },
};

const AUDITED = new Set(['tools/call', 'prompts/get', 'resources/read']);

/**
 * The seam every client request to a backend passes (one per MCP session): the role policy refuses what the
 * principal may not use before the backend is asked, filters what lists show, and the audit log records calls.
 */
export class CallGate {
  constructor(
    readonly principal: Principal | undefined,
    readonly access: Access,
    private readonly audit: AuditLog,
    private readonly metrics: AuthMetrics,
    readonly session: string,
    readonly route: string,
  ) {}

  allows(backend: string, kind: CapabilityKind, name: string): boolean {
    return this.access.allows(backend, kind, name);
  }

  async run(call: GatedCall, send: () => Promise<Result>): Promise<Result> {
    const target = targetOf(call.method, call.params);
    if (target && !this.access.allows(call.backend, target.kind, target.name)) {
      this.denied(call);
      throw notPermitted(call.backend, target.name);
    }
    const audited = this.audit.enabled && AUDITED.has(call.method);
    const started = performance.now();
    try {
      const result = this.filter(call, await send());
      if (audited) this.record(call, result.isError === true ? 'error' : 'ok', started);
      return result;
    } catch (error) {
      if (audited) this.record(call, outcomeOf(error), started);
      throw error;
    }
  }

  /** A refused attempt: counted per role, and audited. */
  denied(call: GatedCall): void {
    this.metrics.denied(this.principal?.roles ?? []);
    if (this.audit.enabled) this.record(call, 'denied', performance.now());
  }

  private filter(call: GatedCall, result: Result): Result {
    const list = LISTS[call.method];
    const items = list ? (result[list.key] as Array<Record<string, unknown>> | undefined) : undefined;
    if (!list || !Array.isArray(items)) return result;
    const kept = items.filter((item) => this.access.allows(call.backend, list.kind, String(item[list.field])));
    return kept.length === items.length ? result : { ...result, [list.key]: kept };
  }

  private record(call: GatedCall, outcome: AuditOutcome, started: number): void {
    const target = targetOf(call.method, call.params);
    const entry: AuditEntry = {
      principal: this.principal?.id ?? 'anonymous',
      roles: this.principal?.roles ?? [],
      session: this.session,
      route: this.route,
      backend: call.backend,
      method: call.method,
      ...(target ? { [target.kind === 'resource' ? 'uri' : target.kind]: target.name } : {}),
      outcome,
      duration_ms: Math.round((performance.now() - started) * 100) / 100,
      ...(call.requestId !== undefined ? { request_id: call.requestId } : {}),
    };
    const args = call.method === 'tools/call' || call.method === 'prompts/get' ? call.params?.arguments : undefined;
    this.audit.write(entry, args);
  }
}

/**
 * Says what is refused and nothing about what else exists. A plain Error with a code (not McpError, whose message
 * gets an "MCP error" prefix the client adds again): the SDK answers it as a JSON-RPC error.
 */
export function notPermitted(backend: string, name: string): Error & { code: number } {
  return Object.assign(new Error(`${backend}/${name} is not permitted for this client`), {
    code: ErrorCode.InvalidParams,
  });
}

function outcomeOf(error: unknown): AuditOutcome {
  const name = error instanceof Error ? error.name : '';
  const code = (error as { code?: unknown }).code;
  if (name === 'RequestTimeoutError' || code === ErrorCode.RequestTimeout) return 'timeout';
  if (
    ['BackendUnavailableError', 'CircuitOpenError', 'RateLimitedError', 'ConcurrencyLimitError'].includes(name) ||
    code === ErrorCode.ConnectionClosed
  ) {
    return 'unavailable';
  }
  return 'error';
}
