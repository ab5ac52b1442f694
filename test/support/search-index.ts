import {
  ToolSearchIndex,
  type RankingOptions,
  type SearchableTool,
} from '../../libs/meta-mcp/src/search/tool-search.index.js';

/** A tool of a spec catalog: a name, a description and, if given, parameter properties. */
export const tool = (name: string, description: string, properties: Record<string, unknown> = {}): SearchableTool => ({
  name,
  description,
  inputSchema: { type: 'object', properties },
});

/** A search index over spec servers, `{ server: [description, tools] }`, ranked with `options`. */
export function indexOf(
  servers: Record<string, [string | undefined, SearchableTool[]]>,
  options: Partial<RankingOptions> = {},
): ToolSearchIndex {
  const index = new ToolSearchIndex(options);
  for (const [name, [description, tools]] of Object.entries(servers)) index.setServer(name, description, tools);
  return index;
}
