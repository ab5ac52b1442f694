import { ErrorCode, type Result } from '@modelcontextprotocol/sdk/types.js';
import type { CallGate, Principal } from '@gateway/auth';

/** One client request on its way to a backend, as every call interceptor sees it. */
export interface GatewayCall {
  /** The backend's configured name. */
  readonly backend: string;
  /** The MCP method: `tools/call`, `prompts/get`, `resources/read`, `completion/complete`, the list methods... */
  readonly method: string;
  /** What the backend will be sent; an interceptor may pass changed params on through `next({ ...call, params })`. */
  readonly params: Record<string, unknown> | undefined;
  /** The verified caller (authentication on); undefined otherwise. */
  readonly principal?: Principal;
  /** The MCP session id of the client. */
  readonly session?: string;
  /** `/mcp` or the backend name of `/mcp/{backend}`. */
  readonly route?: string;
  /** The client's JSON-RPC id. */
  readonly requestId?: string | number;
}

/** Calls the rest of the chain (and finally the backend), with the call as given or as this interceptor changed it. */
export type CallNext = (call?: GatewayCall) => Promise<Result>;

/**
 * Runs around every client request the gateway sends to a backend (gateway_invoke, aggregated tools, /mcp/{backend},
 * prompts, resources, completions). It may read or change the params, refuse (throw CallRefusedError), and read or
 * change the result. Interceptors run outermost first by ascending `priority` (default USER_INTERCEPTOR_PRIORITY);
 * the built-in access check sits at ACCESS_CHECK_PRIORITY and the backend's resilience policy (timeout, retry,
 * breaker, rate limit, bulkhead) is always the innermost step.
 */
export interface CallInterceptor {
  readonly priority?: number;
  intercept(call: GatewayCall, next: CallNext): Promise<Result>;
}

/** The token GatewayModule binds to its `interceptors` option: every user call interceptor. */
export const CALL_INTERCEPTORS = Symbol('CALL_INTERCEPTORS');

/** The role policy and audit log of libs/auth (present with auth or audit on). */
export const ACCESS_CHECK_PRIORITY = 100;
/** Where an interceptor without a priority runs: inside the access check, so it never sees a refused call. */
export const USER_INTERCEPTOR_PRIORITY = 500;

/**
 * An interceptor's refusal. The client gets `reason` as a tool error for `tools/call` (a model reads it) and as a
 * JSON-RPC invalid-params error for any other method.
 */
export class CallRefusedError extends Error {
  readonly code = ErrorCode.InvalidParams;

  constructor(readonly reason: string) {
    super(reason);
    this.name = 'CallRefusedError';
  }
}

/** The CallGate of a session as the chain's access-check member. */
export function accessCheck(gate: CallGate): CallInterceptor {
  return {
    priority: ACCESS_CHECK_PRIORITY,
    intercept: (call, next) =>
      gate.run({ backend: call.backend, method: call.method, params: call.params, requestId: call.requestId }, () =>
        next(),
      ),
  };
}

/** Orders a session's chain: ascending priority, ties in the order given. */
export function orderChain(interceptors: readonly CallInterceptor[]): CallInterceptor[] {
  const priorityOf = (interceptor: CallInterceptor) => interceptor.priority ?? USER_INTERCEPTOR_PRIORITY;
  return [...interceptors].sort((a, b) => priorityOf(a) - priorityOf(b));
}

/** Runs `call` through `chain` (already ordered) and finally `send`. */
export function runChain(
  chain: readonly CallInterceptor[],
  call: GatewayCall,
  send: (call: GatewayCall) => Promise<Result>,
): Promise<Result> {
  const step = (index: number, current: GatewayCall): Promise<Result> => {
    const interceptor = chain[index];
    if (!interceptor) return send(current);
    return interceptor.intercept(current, (changed) => step(index + 1, changed ?? current));
  };
  return step(0, call);
}
