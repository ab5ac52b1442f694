import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Progress, Result, ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';
import type { Backend } from '@gateway/backends';
import { SecretRedactor, type BackendConfig } from '@gateway/config';
import type { SessionDownstream } from '../sessions/session-downstream.js';

export type HandlerExtra = RequestHandlerExtra<ServerRequest, ServerNotification>;

/**
 * Sends a client's request to a backend and returns the backend's result untouched. The client's progress token is
 * kept at the gateway: the backend gets the SDK's own token, and each progress it reports is re-sent to the client
 * under the client's token, on the stream of the client's request. Cancelling the client's request (its signal)
 * cancels the backend request. While it runs, the backend's own requests to the client (sampling, elicitation,
 * roots) travel on this request's stream. With auth or audit on, the session's CallGate wraps the request. A failure reaches the client with the backend's credentials (and any
 * secret its text names) masked, as in the logs.
 */
export async function forwardRequest(
  backend: Backend,
  method: string,
  params: Record<string, unknown> | undefined,
  extra: HandlerExtra,
  downstream?: SessionDownstream,
): Promise<Result> {
  const meta = params?._meta as Record<string, unknown> | undefined;
  const clientToken = meta?.progressToken as string | number | undefined;
  let forwardedParams = params;
  if (clientToken !== undefined) {
    const { progressToken: _dropped, ...restMeta } = meta!;
    forwardedParams = { ...params, _meta: restMeta };
    if (Object.keys(restMeta).length === 0) delete forwardedParams._meta;
  }
  const untrack = downstream?.track(extra);
  const gate = downstream?.gate;
  const client = downstream?.forBackend();
  try {
    if (!gate) return await backend.request(method, forwardedParams, requestOptions(extra, clientToken), client);
    // The principal's policy (refuse, filter lists) and the audit log, around the request.
    return await gate.run({ backend: backend.name, method, params, requestId: extra.requestId }, () =>
      backend.request(method, forwardedParams, requestOptions(extra, clientToken), client),
    );
  } catch (error) {
    throw redactorOf(backend.config).redactError(error);
  } finally {
    untrack?.();
  }
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
