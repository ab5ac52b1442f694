/** MCP methods get their own label value; anything else a client sends is `other`, so labels stay bounded. */
const KNOWN_METHODS: ReadonlySet<string> = new Set([
  'ping',
  'initialize',
  'tools/list',
  'tools/call',
  'resources/list',
  'resources/templates/list',
  'resources/read',
  'resources/subscribe',
  'resources/unsubscribe',
  'prompts/list',
  'prompts/get',
  'completion/complete',
  'logging/setLevel',
  'tasks/get',
  'tasks/result',
  'tasks/list',
  'tasks/cancel',
]);

export function methodLabel(method: string): string {
  return KNOWN_METHODS.has(method) ? method : 'other';
}

/** Tool names come from backend catalogs; a name no catalog lists (a client's typo) is not a label of its own. */
export const UNKNOWN_TOOL = '_unknown';

export type CircuitLabel = 'closed' | 'half_open' | 'open';

/** The circuit state gauge's value: 0 closed, 1 half-open, 2 open. */
export const CIRCUIT_VALUE: Record<CircuitLabel, number> = { closed: 0, half_open: 1, open: 2 };

export type ToolOutcome = 'ok' | 'tool_error' | 'error' | 'timeout' | 'cancelled' | 'rejected' | 'failure';
