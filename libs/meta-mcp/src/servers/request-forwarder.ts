import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Progress, Result, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Backend } from '@gateway/backends';
import { SecretRedactor, type BackendConfig } from '@gateway/config';
import { CallRefusedError, runChain, type GatewayCall } from '../interceptors/call-interceptor.js';
import type { SessionDownstream } from '../sessions/session-downstream.js';

export type HandlerExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Sends a client's request to a backend and returns the backend's result untouched. The client's progress token is
 * kept at the gateway: the backend gets the SDK's own token, and each progress it reports is re-sent to the client
 * under the client's token, on the stream of the client's request. Cancelling the client's request (its signal)
 * cancels the backend request. While it runs, the backend's own requests to the client (sampling, elicitation,
 * roots) travel on this request's stream. The session's call-interceptor chain (its CallGate with auth or audit on,
 * and the user's interceptors) wraps the request. A failure reaches the client with the backend's credentials (and
 * any secret its text names) masked, as in the logs; an interceptor's refusal of a tool call is a tool error.
 */
export async function forwardRequest(
  backend: Backend,
  method: string,
  params: Record<string, unknown> | undefined,
  extra: HandlerExtra,
  downstream?: SessionDownstream,
): Promise<Result> {
  const untrack = downstream?.track(extra);
  const client = downstream?.forBackend();
  const calls = downstream?.calls;
  const call: GatewayCall = {
    backend: backend.name,
    method,
    params,
    principal: calls?.principal,
    session: downstream?.sessionId,
    route: calls?.route,
    requestId: extra.requestId,
  };
  try {
    return await runChain(calls?.chain ?? [], call, (last) => {
      const { params: sent, clientToken } = withoutProgressToken(last.params);
      return backend.request(last.method, sent, requestOptions(extra, clientToken), client);
    });
  } catch (error) {
    if (error instanceof CallRefusedError && method === 'tools/call') {
      return { isError: true, content: [{ type: 'text', text: error.reason }] };
    }
    throw redactorOf(backend.config).redactError(error);
  } finally {
    untrack?.();
  }
}

/** The client's progress token stays at the gateway: the backend gets the SDK's own. */
function withoutProgressToken(params: Record<string, unknown> | undefined) {
  const meta = params?._meta as Record<string, unknown> | undefined;
  const clientToken = meta?.progressToken as string | number | undefined;
  if (clientToken === undefined) return { params, clientToken };
  const { progressToken: _dropped, ...restMeta } = meta!;
  const sent: Record<string, unknown> = { ...params, _meta: restMeta };
  if (Object.keys(restMeta).length === 0) delete sent._meta;
  return { params: sent, clientToken };
}

function requestOptions(extra: HandlerExtra, clientToken: string | number | undefined) {
  return {
    signal: extra.signal,
    resetTimeoutOnProgress: clientToken !== undefined,
    onprogress:
      clientToken === undefined
        ? undefined
        : (progress: Progress) =>
            void extra
              .sendNotification({
                method: 'notifications/progress',
                params: { ...progress, progressToken: clientToken },
              })
              .catch(() => undefined),
  };
}

const redactors = new WeakMap<BackendConfig, SecretRedactor>();

function redactorOf(config: BackendConfig): SecretRedactor {
  let redactor = redactors.get(config);
  if (!redactor) redactors.set(config, (redactor = new SecretRedactor([config])));
  return redactor;
}
