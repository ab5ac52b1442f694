import { describe, expect, it } from '@jest/globals';
import { evaluate, loadServers } from '../../../../test/support/livemcpbench.js';
import { analyze, porterStem, tokenize } from './tokenize.js';
import { ToolSearchIndex, type SearchableTool } from './tool-search.index.js';

const tool = (name: string, description: string, properties: Record<string, unknown> = {}): SearchableTool => ({
  name,
  description,
  inputSchema: { type: 'object', properties },
});

function fixture(): ToolSearchIndex {
  const index = new ToolSearchIndex();
  index.setServer('weather', 'Forecasts and current conditions', [
    tool('getWeatherForecast', 'Daily forecast for a city', { city: { type: 'string', description: 'City name' } }),
    tool('get_air_quality', 'Air pollution index for a location'),
  ]);
  index.setServer('files', 'Local filesystem access', [
    tool('read_file', 'Read the contents of a file', { path: { type: 'string' } }),
    tool('write_file', 'Create or overwrite a file', { path: { type: 'string' }, content: { type: 'string' } }),
  ]);
  return index;
}

describe('tokenize', () => {
  it('splits camelCase, snake_case, dots, dashes and digits, and keeps the joined identifier', () => {
    expect(tokenize('getRecipeById')).toEqual(['get', 'recipe', 'by', 'id', 'getrecipebyid']);
    expect(tokenize('read_multiple_files')).toEqual(['read', 'multiple', 'files']);
    expect(tokenize('get-36kr-trending')).toEqual(['get', '36', 'kr', '36kr', 'trending']);
    expect(tokenize('HTMLParser v2.1')).toEqual(['html', 'parser', 'htmlparser', 'v', '2', 'v2', '1']);
  });

  it('stems (Porter2), drops stop words and single letters', () => {
    expect(analyze('The charts of running processes')).toEqual(['chart', 'run', 'process']);
    expect(porterStem('generalization')).toBe('general');
    expect(porterStem('ponies')).toBe('poni');
    // Porter (1980) made "news" into "new".
    expect(porterStem('news')).toBe('news');
  });

  it('turns Han runs into overlapping bigrams plus the English of the words the glossary knows', () => {
    expect(analyze('搜索关键词')).toEqual(['搜索', '索关', '关键', '键词', 'search', 'keyword']);
    expect(analyze('获取 BBC 新闻')).toEqual(['bbc', '获取', 'get', '新闻', 'news']);
    expect(analyze('获取 BBC 新闻', false)).toEqual(['bbc', '获取', '新闻']);
  });

  it('skips pasted blobs', () => {
    expect(tokenize(`what is ${'ab+/Cd'.repeat(50)}`)).toEqual(['what', 'is']);
  });
});

describe('ToolSearchIndex', () => {
  it('matches a query against split identifiers and stemmed descriptions', () => {
    const { matches, total } = fixture().search('weather forecasts');
    expect(total).toBeGreaterThan(0);
    expect(matches[0]).toMatchObject({ server: 'weather', tool: 'getWeatherForecast' });
    expect(matches[0].inputSchema).toHaveProperty('properties.city');
  });

  it('sorts by score and honours limit', () => {
    const { matches, total } = fixture().search('file', { limit: 1 });
    expect(matches).toHaveLength(1);
    expect(total).toBe(2);
    const all = fixture().search('file read').matches;
    expect(all.map((m) => m.score)).toEqual([...all.map((m) => m.score)].sort((a, b) => b - a));
    expect(all[0].tool).toBe('read_file');
  });

  it('finds a tool described only in Chinese from an English request', () => {
    const index = fixture();
    index.setServer('trends', undefined, [tool('get-weibo-trending', '获取微博热搜榜单，展示当下最热门的社会话题')]);
    expect(index.search('social topics').matches[0].tool).toBe('get-weibo-trending');
    const plain = new ToolSearchIndex({ glossary: false });
    plain.setServer('trends', undefined, [tool('get-weibo-trending', '获取微博热搜榜单，展示当下最热门的社会话题')]);
    expect(plain.search('social topics').matches).toEqual([]);
  });

  it('expands everyday request words to catalog words', () => {
    const diff = tool('text_diff', 'Compare two text files and show differences');
    const index = new ToolSearchIndex();
    index.setServer('text', undefined, [diff]);
    // "changed" stands for diff/compare.
    expect(index.search('what changed in my logs since yesterday').matches[0]?.tool).toBe('text_diff');
    const plain = new ToolSearchIndex({ synonymWeight: 0 });
    plain.setServer('text', undefined, [diff]);
    expect(plain.search('what changed in my logs since yesterday').matches).toEqual([]);
  });

  it('restricts to one server', () => {
    const index = fixture();
    expect(index.search('air quality file').matches.map((m) => m.server)).toContain('files');
    const only = index.search('air quality file', { server: 'weather' });
    expect(only.matches.map((m) => m.tool)).toEqual(['get_air_quality']);
    expect(only.total).toBe(1);
  });

  it('returns nothing for an empty, blank or stop-word query', () => {
    const index = fixture();
    for (const q of ['', '   ', 'the of and']) expect(index.search(q)).toEqual({ matches: [], total: 0 });
  });

  it('replaces one server incrementally and forgets removed tools', () => {
    const index = fixture();
    expect(index.size).toBe(4);
    index.setServer('weather', 'Forecasts', [tool('get_tide_times', 'High and low tide times')]);
    expect(index.size).toBe(3);
    expect(index.search('forecast').matches.map((m) => m.tool)).not.toContain('getWeatherForecast');
    expect(index.search('tide').matches[0]).toMatchObject({ server: 'weather', tool: 'get_tide_times' });
    expect(index.search('write file').matches[0].tool).toBe('write_file');

    // A refresh with the same names re-adds the same ids (MiniSearch must not see duplicates).
    index.setServer('files', 'Local filesystem access', fixture().search('file').matches.map(asTool));
    index.setServer('files', 'Local filesystem access', fixture().search('file').matches.map(asTool));
    expect(index.size).toBe(3);

    index.removeServer('files');
    expect(index.size).toBe(1);
    expect(index.search('file')).toEqual({ matches: [], total: 0 });
    index.removeServer('unknown');
    expect(index.size).toBe(1);
  });

  it('lifts the sibling that produces a tool input (geocode before a nearby search)', () => {
    const index = new ToolSearchIndex();
    index.setServer('maps', undefined, [
      {
        ...tool('geocode_address', 'Convert an address to coordinates (latitude/longitude)'),
        inputSchema: req('address'),
      },
      { ...tool('find_parking', 'Find parking near a point'), inputSchema: req('latitude', 'longitude') },
      tool('list_styles', 'List map styles'),
    ]);
    const names = index.search('where can I park').matches.map((m) => m.tool);
    expect(names).toEqual(['find_parking', 'geocode_address']);
    // Without the lift the producer shares no word with the request.
    const plain = new ToolSearchIndex({ chainLift: 0 });
    plain.setServer('maps', undefined, [
      {
        ...tool('geocode_address', 'Convert an address to coordinates (latitude/longitude)'),
        inputSchema: req('address'),
      },
      { ...tool('find_parking', 'Find parking near a point'), inputSchema: req('latitude', 'longitude') },
    ]);
    expect(plain.search('where can I park').matches.map((m) => m.tool)).toEqual(['find_parking']);
  });
});

function asTool(m: { tool: string; description: string; inputSchema: Record<string, unknown> }): SearchableTool {
  return { name: m.tool, description: m.description, inputSchema: m.inputSchema };
}

function req(...names: string[]): Record<string, unknown> {
  return { type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])), required: names };
}

describe('LiveMCPBench dev split', () => {
  // Floors sit just under the tuned figures (dev R@5 54.1, nDCG@5 50.8) so a ranking regression fails here.
  it('keeps Recall@5 and nDCG@5 above their floors', () => {
    const index = new ToolSearchIndex();
    for (const s of loadServers()) index.setServer(s.server, s.description, s.tools);
    expect(index.size).toBe(527);
    const result = evaluate((q) => index.search(q, { limit: 10 }).matches.map((m) => m.tool), 'dev');
    expect(result.n).toBe(50);
    expect(result.recall5).toBeGreaterThanOrEqual(53);
    expect(result.ndcg5).toBeGreaterThanOrEqual(49.5);
  });
});
