/**
 * A JSON-RPC error for the SDK to send. Not McpError: its constructor prefixes "MCP error <code>:" to the message,
 * and clients add that prefix again when they raise it.
 */
export function protocolError(code: number, message: string): Error & { code: number } {
  return Object.assign(new Error(message), { code });
}

/** ajv names the root `data`; say `arguments` so the model knows which field is wrong. */
export function describeArgumentProblem(problem: string): string {
  return problem.replace(/(^|,\s*)data(?=[\s/])/g, '$1arguments');
}
