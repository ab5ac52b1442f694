import { ErrorCode, McpError, type ClientCapabilities, type Result } from '@modelcontextprotocol/sdk/types.js';
import type { DownstreamClient } from '../downstream-client.js';
import { isInputRequired, type InputRequest, type InputRequiredResult } from './modern-protocol.js';

/** The client capability each kind of input request needs. */
const CAPABILITY_FOR: Readonly<Record<string, keyof ClientCapabilities>> = {
  'sampling/createMessage': 'sampling',
  'elicitation/create': 'elicitation',
  'roots/list': 'roots',
};

export interface InputBridge {
  backend: string;
  /** The legacy client the call is made for; without one there is nobody to ask. */
  downstream?: DownstreamClient;
  signal?: AbortSignal;
  /** Rounds of input requests after which the call fails (a server that never finishes). */
  maxRounds: number;
  /** Sends the request again with these params (the answers and the server's state added). */
  retry(params: Record<string, unknown> | undefined): Promise<Result>;
}

/**
 * Serves a modern backend's `input_required` result for a legacy client: each input request becomes a real
 * server-to-client request on the client's session (sampling, elicitation, roots), and the request is sent again
 * with their answers as `inputResponses` and the server's `requestState` echoed, until the backend gives a final
 * result, which is what the client sees.
 */
export async function bridgeInputRequired(
  first: InputRequiredResult,
  params: Record<string, unknown> | undefined,
  bridge: InputBridge,
): Promise<Result> {
  let result: Result = first;
  for (let round = 1; isInputRequired(result); round++) {
    if (round > bridge.maxRounds) {
      throw new McpError(
        ErrorCode.InternalError,
        `backend "${bridge.backend}" still asked for client input after ${bridge.maxRounds} rounds`,
      );
    }
    const requests = Object.entries(result.inputRequests ?? {});
    for (const [, request] of requests) assertAnswerable(request, bridge);
    const answers = await Promise.all(
      requests.map(
        async ([key, request]) =>
          [key, await bridge.downstream!.request(request.method, request.params, bridge.signal ?? NEVER)] as const,
      ),
    );
    const retried: Record<string, unknown> = { ...params, inputResponses: Object.fromEntries(answers) };
    if (result.requestState !== undefined) retried.requestState = result.requestState;
    else delete retried.requestState;
    result = await bridge.retry(retried);
  }
  return result;
}

function assertAnswerable(request: InputRequest, bridge: InputBridge): void {
  const capability = CAPABILITY_FOR[request.method];
  const what = `backend "${bridge.backend}" needs ${request.method} answered by the client`;
  if (!capability) throw new McpError(ErrorCode.InternalError, `${what}, which the gateway cannot ask a client for`);
  if (!bridge.downstream) {
    throw new McpError(ErrorCode.InvalidRequest, `${what}, but this request has no client session to ask`);
  }
  if (!bridge.downstream.capabilities[capability]) {
    throw new McpError(
      ErrorCode.InvalidRequest,
      `${what}, but this client did not declare the ${capability} capability at initialize`,
    );
  }
}

const NEVER = new AbortController().signal;
