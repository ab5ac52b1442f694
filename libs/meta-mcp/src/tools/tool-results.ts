import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/** A tool error a model can read and act on. */
export function toolError(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

/** Structured output plus the same JSON as text, for clients that only read text. */
export function structured(data: Record<string, unknown>): CallToolResult {
  return { content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data };
}
