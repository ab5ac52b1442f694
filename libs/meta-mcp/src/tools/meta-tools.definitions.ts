import type { Tool } from '@modelcontextprotocol/sdk/types.js';

/** The longest gateway_search_tools query (characters): a task description, not a document to scan. */
const MAX_SEARCH_QUERY_LENGTH = 1000;

/** Written to be short: an agent pays for these four definitions in every turn. */
export const META_TOOLS: Tool[] = [
  {
    name: 'gateway_search_tools',
    description:
      'Find tools across all servers by describing the task. Returns the best matches with input schemas. Use this first, then gateway_invoke.',
    inputSchema: {
      type: 'object',
      properties: {
        query: {
          type: 'string',
          minLength: 1,
          maxLength: MAX_SEARCH_QUERY_LENGTH,
          description: 'What you want to do',
        },
        limit: { type: 'integer', minimum: 1, maximum: 50, default: 10 },
        server: { type: 'string', description: 'Only this server' },
      },
      required: ['query'],
    },
    outputSchema: {
      type: 'object',
      properties: { query: { type: 'string' }, matches: { type: 'array' }, total: { type: 'integer' } },
      required: ['query', 'matches', 'total'],
    },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'gateway_invoke',
    description:
      "Call a server's tool and return its result. Find the tool and its arguments with gateway_search_tools.",
    inputSchema: {
      type: 'object',
      properties: {
        server: { type: 'string' },
        tool: { type: 'string' },
        arguments: { type: 'object', description: "Matching the tool's inputSchema" },
      },
      required: ['server', 'tool'],
    },
  },
  {
    name: 'gateway_list_servers',
    description: 'List the servers behind this gateway with status and tool counts.',
    inputSchema: { type: 'object', properties: {} },
    outputSchema: { type: 'object', properties: { servers: { type: 'array' } }, required: ['servers'] },
    annotations: { readOnlyHint: true },
  },
  {
    name: 'gateway_list_tools',
    description: "List all of one server's tools with input schemas. Prefer gateway_search_tools.",
    inputSchema: { type: 'object', properties: { server: { type: 'string' } }, required: ['server'] },
    outputSchema: {
      type: 'object',
      properties: { server: { type: 'string' }, tools: { type: 'array' } },
      required: ['server', 'tools'],
    },
    annotations: { readOnlyHint: true },
  },
];

export const META_INSTRUCTIONS =
  'This gateway fronts many MCP servers through four tools. Call gateway_search_tools with a description of the ' +
  'task to find a tool and its input schema, then call it with gateway_invoke {server, tool, arguments}. ' +
  'Use gateway_list_servers and gateway_list_tools only to browse.';
