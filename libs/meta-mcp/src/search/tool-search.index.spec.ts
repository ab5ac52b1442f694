import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { evaluate, loadServers, type DatasetName } from '../../../../test/support/livemcpbench.js';
import { loadRelatedWords, relatedTerms } from './related-words.js';
import { analyze, porterStem, processTerm, tokenize } from './tokenize.js';
import { describeServer, ToolSearchIndex, type RankingOptions, type SearchableTool } from './tool-search.index.js';
import { indexOf, tool } from '../../../../test/support/search-index.js';

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

  it('joins the forms of a word that Porter2 leaves apart by a final i', () => {
    expect(analyze('summary summarize')).toEqual(['summar', 'summar']);
    expect(analyze('financial finance')).toEqual(['financ', 'financ']);
    expect(analyze('history historical strategy strategic')).toEqual(['histor', 'histor', 'strateg', 'strateg']);
    // Short stems keep their i: "query" and "api" are words of their own.
    expect(analyze('query api')).toEqual(['queri', 'api']);
  });

  it('turns Han runs into overlapping bigrams', () => {
    expect(analyze('搜索关键词')).toEqual(['搜索', '索关', '关键', '键词']);
    expect(analyze('获取 BBC 新闻')).toEqual(['bbc', '获取', '新闻']);
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

  it('routes to the server whose catalog is about the thing asked for (server-then-tool)', () => {
    const index = new ToolSearchIndex();
    index.setServer('tracker', 'Issue tracker', [
      tool('search', 'Search by keywords'),
      tool('create_issue', 'Open a new issue'),
      tool('close_issue', 'Close an issue'),
    ]);
    index.setServer('wiki', 'Team wiki', [tool('search', 'Search by keywords'), tool('get_page', 'Get a wiki page')]);
    const ranked = index.search('search issues').matches.map((m) => `${m.server}/${m.tool}`);
    expect(ranked[0]).toMatch(/^tracker\//);
    expect(ranked.indexOf('tracker/search')).toBeLessThan(ranked.indexOf('wiki/search'));
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

  it('a tool whose input the request already holds lifts no producer of it ("bar 456", "this bar")', () => {
    const search = (options: Partial<RankingOptions> = {}) => {
      const index = indexOf(
        {
          plans: [
            undefined,
            [
              tool('list_roadmaps', 'List roadmaps with the ids of their bars'),
              { ...tool('get_bar_links', 'External links attached to a bar'), inputSchema: req('bar_id') },
              tool('search_links', 'Search the external links of every roadmap by text'),
            ],
          ],
        },
        options,
      );
      return (q: string) => index.search(q).matches.map((m) => m.tool);
    };
    const lifted = ['get_bar_links', 'list_roadmaps', 'search_links'];
    expect(search()('show the links of a bar')).toEqual(lifted);
    expect(search()('show the links of bar 456')).toEqual(['get_bar_links', 'search_links', 'list_roadmaps']);
    expect(search()('show the links of this bar')).toEqual(['get_bar_links', 'search_links', 'list_roadmaps']);
    expect(search({ heldInputs: false })('show the links of bar 456')).toEqual(lifted);
  });

  // Real catalogs: each case was a miss before the mechanism it tests (bench/search-eval.ts has the figures).
  const top = (dataset: DatasetName, query: string, options: Partial<RankingOptions> = {}) => {
    const index = new ToolSearchIndex(options);
    for (const s of loadServers(dataset)) index.setServer(s.server, s.description, s.tools);
    return index.search(query, { limit: 5 }).matches.map((m) => m.tool);
  };

  it('a lifted producer stays below the tool that needs it (ProductPlan: list_ideas produces idea ids)', () => {
    expect(top('productplan-evals', 'What tags are on idea 123?')[0]).toBe('get_idea_tags');
    expect(top('productplan-evals', 'Get details of opportunity 789')[0]).toBe('get_opportunity');
    // Uncapped, the producers of the ids came first.
    expect(top('productplan-evals', 'What tags are on idea 123?', { liftCap: 0, heldInputs: false })[0]).toBe(
      'list_ideas',
    );
    expect(
      top('productplan-evals', 'Get details of opportunity 789', { liftCap: 0, actionFactor: 1, heldInputs: false })[0],
    ).toBe('manage_opportunity');
  });

  it('"this bar" needs no tool that lists bars first (ProductPlan)', () => {
    const query = 'Show me what this bar is linked to';
    expect(top('productplan-evals', query).slice(0, 3)).toContain('get_bar_connections');
    expect(top('productplan-evals', query, { heldInputs: false }).slice(0, 3)).toContain('list_roadmaps');
  });

  it('a request worded like an example its description quotes finds that tool (Miro: "who has access")', () => {
    expect(top('miro-evals', 'Who has access to this board?')[0]).toBe('miro_list_board_members');
    expect(top('miro-evals', 'Who has access to this board?', { exampleWeight: 0 })[0]).not.toBe(
      'miro_list_board_members',
    );
  });

  it("a person's name weighs like a value: the request's own words decide", () => {
    const search = (options: Partial<RankingOptions> = {}) => {
      const index = indexOf(
        {
          slides: [
            undefined,
            [
              tool('create_deck', 'Create a deck. Example: {"author": "John Doe"}'),
              tool('add_slide', 'Add a slide to a deck'),
            ],
          ],
          memory: [
            undefined,
            [
              tool('delete_entities', 'Delete entities from the knowledge graph'),
              tool('read_graph', 'Read the knowledge graph'),
            ],
          ],
        },
        options,
      );
      return (q: string) => index.search(q).matches.map((m) => m.tool)[0];
    };
    expect(search()('forget the entities about John Doe')).toBe('delete_entities');
    expect(search()('forget what you know about John Doe in the graph')).toBe('read_graph');
    // Read as ordinary words, the two rare words of the name outweighed what the request asks.
    expect(search({ values: { words: 1, kind: 0 } })('forget the entities about John Doe')).toBe('create_deck');
  });

  it('a name that a tool bears still routes: it is no argument', () => {
    const index = indexOf({
      social: [
        undefined,
        [tool('instagram_posts', 'Scrape posts from a profile'), tool('twitter_posts', 'Scrape posts from a profile')],
      ],
    });
    expect(index.search('scrape posts about AI on Instagram').matches[0].tool).toBe('instagram_posts');
  });

  it('an arithmetic expression asks for a calculator; the home directory of a path asks for nothing', () => {
    expect(top('livemcpbench', 'how much is 12.5% of 880')[0]).toBe('calculate');
    expect(top('livemcpbench', '(19 + 23) * 4')[0]).toBe('calculate');
    expect(top('livemcpbench', 'how much is 12.5% of 880', { values: { words: 1, kind: 0 } })).not.toContain(
      'calculate',
    );
    const dotfile = top('livemcpbench', "what's in /home/ana/.bashrc");
    expect(dotfile.slice(0, 3)).toContain('read_file');
    expect(dotfile).not.toContain('analyze_commute');
  });

  it("the words inside a path weigh less than the request's own, and a path asks for file tools", () => {
    expect(top('livemcpbench', 'read /etc/nginx/nginx.conf')[0]).toBe('read_file');
    // Read as ordinary words, the path's words outweigh "read a file".
    expect(top('livemcpbench', 'read /etc/nginx/nginx.conf', { values: { words: 1, kind: 0 } })).not.toContain(
      'read_file',
    );
  });

  it('an owner/name slug stands for a repository and a quoted title is a literal, not words naming a tool', () => {
    const plain = { values: { words: 1, kind: 0 } };
    expect(top('contextbridge-evals', 'Show file setup.py from octo-org/widget-kit')).toContain('get_file_contents');
    expect(top('contextbridge-evals', 'Show file setup.py from octo-org/widget-kit', plain)).not.toContain(
      'get_file_contents',
    );
    expect(top('single-tool', "open my note called 'Lunch with Acme 2024-06-01'")).toContain('read_note');
    expect(top('single-tool', "open my note called 'Lunch with Acme 2024-06-01'", plain)).not.toContain('read_note');
  });

  it("a name verb other than the request's moves down when a sibling on the same thing fits the request", () => {
    const build = (options: Partial<RankingOptions> = {}) =>
      indexOf(
        {
          board: [
            'Whiteboard',
            [
              tool('board_create_connector', 'Create a connector line between two items'),
              tool('board_delete_connector', 'Delete a connector line between two items from the board, for good'),
              tool('board_get_board', 'Details of a board'),
            ],
          ],
          wiki: [
            'Wiki pages',
            [
              tool('wiki_edit_page', 'Write the text of a page; a page that does not exist yet is made'),
              tool('wiki_get_page', 'Read a page by title'),
            ],
          ],
        },
        options,
      );
    const query = 'Remove the arrow between these items';
    expect(build().search(query).matches[0].tool).toBe('board_delete_connector');
    expect(build({ actionFactor: 1 }).search(query).matches[0].tool).toBe('board_create_connector');
    // No sibling creates pages: the edit tool, which does, keeps its score.
    const edit = (options: Partial<RankingOptions> = {}) =>
      build(options)
        .search('create a new page called Release Notes')
        .matches.find((m) => m.tool === 'wiki_edit_page')?.score;
    expect(edit()).toBeGreaterThan(0);
    expect(edit()).toBe(edit({ actionFactor: 1 }));
  });

  it("a short request's own word form breaks the tie between tools its stems match alike", () => {
    const build = (options: Partial<RankingOptions> = {}) =>
      indexOf(
        {
          product: [
            'Product roadmaps',
            [
              tool('list_drafts', 'Ideas to validate, with their votes'),
              tool('list_opportunities', 'Validated ideas, with their votes'),
            ],
          ],
          json: ['JSON tools', [tool('validate_json', 'Validate a JSON document')]],
        },
        options,
      );
    const scores = (query: string, options: Partial<RankingOptions> = {}) =>
      Object.fromEntries(
        build(options)
          .search(query)
          .matches.map((m) => [m.tool, m.score]),
      );
    const short = 'what validated ideas do we have?';
    expect(scores(short).list_opportunities).toBeGreaterThan(scores(short).list_drafts);
    // Stems alone: validated = validate, ideas = idea.
    expect(scores(short, { surfaceWeight: 0 }).list_opportunities).toBe(
      scores(short, { surfaceWeight: 0 }).list_drafts,
    );
    // A long request is left to its stems.
    const long =
      'which validated ideas from customer interviews should the product team plan into next quarter roadmap';
    expect(scores(long).list_opportunities).toBe(scores(long).list_drafts);
  });

  it('a tool whose name the request spells out outranks a server that is about the same words', () => {
    const build = (options: Partial<RankingOptions> = {}) =>
      indexOf(
        {
          trends: [
            'Trending lists',
            [
              tool('get-bbc-news', '获取 BBC 新闻，提供全球新闻、商业、政治等资讯'),
              tool('get-weibo-trending', 'Weibo hot searches'),
            ],
          ],
          finance: [
            'Finance: stock quotes, finance news, companies',
            [
              tool('search', 'Search finance news, quotes and companies'),
              tool('get_ticker_news', 'Finance news of a ticker'),
              tool('get_quote', 'Stock quote of a ticker'),
              tool('get_finance_report', 'Finance report: market news and stocks'),
            ],
          ],
        },
        options,
      );
    const query = "get today's bbc news, finance related";
    expect(build().search(query).matches[0].tool).toBe('get-bbc-news');
    // Even with server routing at twice its default weight; without the name-coverage bonus the finance server's
    // weight then puts its report first.
    expect(build({ routeWeight: 0.3 }).search(query).matches[0].tool).toBe('get-bbc-news');
    expect(build({ routeWeight: 0.3, nameCover: 0 }).search(query).matches[0].tool).toBe('get_finance_report');
  });
});

function asTool(m: { tool: string; description: string; inputSchema: Record<string, unknown> }): SearchableTool {
  return { name: m.tool, description: m.description, inputSchema: m.inputSchema };
}

function req(...names: string[]): Record<string, unknown> {
  return { type: 'object', properties: Object.fromEntries(names.map((n) => [n, { type: 'string' }])), required: names };
}

// The examples of issue 17, on the real tool lists of four reference servers (test/fixtures/reference-catalogs.json,
// captured from their tools/list by test/fixtures/capture-reference-catalogs.ts).
describe('a gateway with filesystem, memory, sequential-thinking and everything', () => {
  const catalogs = JSON.parse(
    readFileSync(new URL('../../../../test/fixtures/reference-catalogs.json', import.meta.url), 'utf8'),
  ) as { server: string; serverInfo: { name: string; title?: string }; tools: SearchableTool[] }[];
  // As the gateway indexes backends without a configured description: by what they say of themselves.
  const load = (idx: ToolSearchIndex) => {
    for (const { server, serverInfo, tools } of catalogs)
      idx.setServer(server, describeServer(undefined, serverInfo), tools);
  };
  const index = new ToolSearchIndex();
  load(index);
  const servers = (query: string) => index.search(query).matches.map((m) => m.server);

  const ids = (query: string, options?: Partial<RankingOptions>) => {
    const idx = options ? new ToolSearchIndex(options) : index;
    if (options) load(idx);
    return idx.search(query).matches.map((m) => `${m.server}/${m.tool}`);
  };

  it('"store a memory" ranks the memory tools that store something above write_file', () => {
    const ranked = ids('store a memory');
    expect(servers('store a memory')[0]).toBe('memory');
    const writeFile = ranked.indexOf('filesystem/write_file');
    for (const id of ['memory/create_entities', 'memory/add_observations', 'memory/create_relations']) {
      expect(ranked).toContain(id);
      if (writeFile >= 0) expect(ranked.indexOf(id)).toBeLessThan(writeFile);
    }
  });

  it('"remember that Bob prefers email" shares no word with any tool, yet puts memory tools first, marked partial', () => {
    const result = index.search('remember that Bob prefers email');
    expect(result.partial).toBe(true);
    const ranked = result.matches.map((m) => `${m.server}/${m.tool}`);
    expect(ranked[0]).toMatch(/^memory\//);
    expect(ranked.slice(0, 5).filter((id) => id.startsWith('memory/')).length).toBeGreaterThanOrEqual(4);
    // The memory tools tie (the request names none of them): both that store a fact are in the first ten.
    expect(ranked.slice(0, 10)).toEqual(expect.arrayContaining(['memory/create_entities', 'memory/add_observations']));
    // Without the general-English relatives ("remember" ~ "memory") the near spellings answer: "prefers" ~ "reference".
    expect(ids('remember that Bob prefers email', { relatedWords: false })[0]).not.toMatch(/^memory\//);
  });

  it('a request with a catalog word is ranked by its own words, not by relatives of the others', () => {
    // "notes" is in no tool; its relative "observations" is in the memory tools' names. "read" is in read_file's.
    expect(ids('read /tmp/notes/today.md')[0]).toBe('filesystem/read_file');
    expect(index.search('read /tmp/notes/today.md').partial).toBeUndefined();
  });

  it('"delete a file" ranks file tools above tools that delete something else', () => {
    const { matches } = index.search('delete a file');
    expect(matches[0].server).toBe('filesystem');
    // No tool deletes files here: the file tools that change files come first, and nothing deleting graph entries.
    expect(matches.slice(0, 5).every((m) => /file/.test(m.tool))).toBe(true);
    expect(matches.slice(0, 2).map((m) => m.tool)).toEqual(expect.arrayContaining(['write_file', 'move_file']));
  });

  it('still finds the obvious ones', () => {
    expect(index.search('add two numbers').matches[0].tool).toBe('get-sum');
    expect(index.search('think through a problem step by step').matches[0].tool).toBe('sequentialthinking');
    expect(index.search('search the knowledge graph').matches[0].tool).toBe('search_nodes');
    expect(index.search('list files in a directory').matches[0].tool).toBe('list_directory');
  });
});

describe('forms of one word', () => {
  it('a request finds a tool by another form of its words, as an exact match rather than a near spelling', () => {
    const index = new ToolSearchIndex();
    index.setServer('docs', undefined, [
      tool('summarize_text', 'Summarize a long text'),
      tool('translate_text', 'Translate a text into another language'),
    ]);
    index.setServer('markets', undefined, [tool('get_quote', 'Latest finance quote for a ticker')]);
    const summary = index.search('a summary please');
    expect(summary.partial).toBeUndefined();
    expect(summary.matches[0].tool).toBe('summarize_text');
    const financial = index.search('financial');
    expect(financial.partial).toBeUndefined();
    expect(financial.matches.map((m) => m.tool)).toEqual(['get_quote']);
  });
});

describe('general-English relatives of words no tool uses', () => {
  it('relates a word to the closest of its WordNet relatives first', () => {
    expect(loadRelatedWords()).toBeDefined();
    const remember = new Map(relatedTerms(processTerm('remember')!));
    expect(remember.get(processTerm('memory')!)).toBe(1);
    expect(remember.get(processTerm('think')!)).toBeLessThan(1);
    expect(relatedTerms('zzyzx')).toEqual([]);
  });

  it('answers a request with no catalog word by relatives, and one with a catalog word by its own words', () => {
    const build = (relatedWords = true) =>
      indexOf(
        {
          graph: [
            undefined,
            [tool('add_observation', 'Add an observation about an entity'), tool('list_entities', 'List entities')],
          ],
          files: [undefined, [tool('read_file', 'Read a file')]],
        },
        { relatedWords },
      );
    // "note" ~ "observe": no word of the request is in the catalog, and no near spelling either.
    const note = build().search('note that Bob likes tea');
    expect(note.partial).toBe(true);
    expect(note.matches.map((m) => m.tool)).toEqual(['add_observation']);
    expect(build(false).search('note that Bob likes tea')).toEqual({ matches: [], total: 0 });
    // "file" is a catalog word and answers alone; "observe" is no relative of it.
    const file = build().search('note the file');
    expect(file.partial).toBeUndefined();
    expect(file.matches[0].tool).toBe('read_file');
  });
});

describe('never empty-handed', () => {
  it('a misspelt request finds the nearest spelling and says it is partial', () => {
    const result = fixture().search('wether forcast');
    expect(result.partial).toBe(true);
    expect(result.matches[0].tool).toBe('getWeatherForecast');
  });

  it('a request with an exact word is not partial', () => {
    expect(fixture().search('weather').partial).toBeUndefined();
  });

  it('a request sharing only a piece of a word with the catalog still gets those tools, as partial', () => {
    // "pollinate" is no near spelling of "pollution" (one trigram in common), but it is all there is.
    const result = fixture().search('pollinate');
    expect(result.partial).toBe(true);
    expect(result.matches.map((m) => m.tool)).toEqual(['get_air_quality']);
  });

  it('nothing spelt alike still returns nothing', () => {
    expect(fixture().search('zzyzx')).toEqual({ matches: [], total: 0 });
  });
});

// Floors sit just under the dev figures bench/search-eval.ts measured, so a ranking regression on any set fails here.
describe('dev splits of every tool-retrieval set', () => {
  const floors: [DatasetName, number, number, number][] = [
    ['livemcpbench', 527, 48, 46],
    ['metatool', 199, 65, 56],
    ['apify-evals', 534, 79, 65],
    ['miro-evals', 595, 83, 74],
    ['mediawiki-evals', 562, 95, 87],
    ['productplan-evals', 565, 93, 84],
    ['contextbridge-evals', 554, 84, 72],
    ['single-tool', 564, 75, 63],
    ['single-tool-direct', 564, 82, 71],
  ];
  it.each(floors)('%s keeps Recall@5 and nDCG@5 above their floors', (dataset, tools, recall5, ndcg5) => {
    const index = new ToolSearchIndex();
    for (const s of loadServers(dataset)) index.setServer(s.server, s.description, s.tools);
    expect(index.size).toBe(tools);
    const result = evaluate((q) => index.search(q, { limit: 10 }).matches.map((m) => m.tool), 'dev', dataset);
    expect(result.recall5).toBeGreaterThanOrEqual(recall5);
    expect(result.ndcg5).toBeGreaterThanOrEqual(ndcg5);
  });
});
