import { describe, expect, it } from '@jest/globals';
import { gloss, loadGlossary } from './cjk-gloss.js';
import { ToolSearchIndex, type SearchableTool } from './tool-search.index.js';

const tool = (name: string, description: string): SearchableTool => ({
  name,
  description,
  inputSchema: { type: 'object', properties: {} },
});

// Tools described only in Chinese, as several real MCP servers are; none of these words is in the tool names.
function chineseCatalog(): ToolSearchIndex {
  const index = new ToolSearchIndex();
  index.setServer('cn-news', '热门新闻与天气', [
    tool('hot_list', '获取今日热门新闻'),
    tool('city_now', '查询城市的天气预报'),
  ]);
  index.setServer('files', 'Local filesystem access', [
    tool('read_file', 'Read the contents of a file'),
    tool('write_file', 'Create or overwrite a file'),
  ]);
  return index;
}

describe('Chinese glosses (CC-CEDICT)', () => {
  it('glosses Han text by longest dictionary match, with the first senses only', () => {
    const dict = loadGlossary();
    expect(dict).toBeDefined();
    expect(gloss('天气预报', dict!)).toContain('weather forecast');
    expect(gloss('删除文件', dict!)).toMatch(/delete.*file/);
    // 的 alone is "of" (its reading as in 的士, "taxi", is not its usual one).
    expect(gloss('的', dict!)).not.toContain('taxi');
    expect(gloss('no Chinese here', dict!)).toBe('');
  });

  it('an English request finds a tool described only in Chinese', () => {
    const index = chineseCatalog();
    expect(index.search('weather forecast for a city').matches[0]).toMatchObject({
      server: 'cn-news',
      tool: 'city_now',
    });
    expect(index.search('today news headlines').matches[0]).toMatchObject({ server: 'cn-news', tool: 'hot_list' });
  });

  it('a Chinese request finds an English tool once the dictionary is loaded', () => {
    loadGlossary();
    const index = new ToolSearchIndex();
    index.setServer('files', 'Local filesystem access', [
      tool('read_file', 'Read the contents of a file'),
      tool('list_directory', 'List the entries of a directory'),
    ]);
    index.setServer('weather', 'Forecasts', [tool('get_weather', 'Current weather for a city')]);
    expect(index.search('城市天气').matches[0]).toMatchObject({ tool: 'get_weather' });
    expect(index.search('读取文件').matches[0]).toMatchObject({ tool: 'read_file' });
  });

  it('without the glosses, the English request has nothing to match', () => {
    const index = new ToolSearchIndex({
      boosts: { name: 2, title: 1, summary: 0, description: 1, params: 0.5, server: 0.5, gloss: 0 },
    });
    index.setServer('cn-news', '热门新闻与天气', [tool('city_now', '查询城市的天气预报')]);
    expect(index.search('weather forecast').matches.some((m) => m.tool === 'city_now' && m.score > 0.5)).toBe(false);
  });
});
