import { describe, expect, it } from '@jest/globals';
import { asksForTextFile, outputFiles } from './output-files.js';
import { ToolSearchIndex } from './tool-search.index.js';
import { indexOf, tool } from '../../../../test/support/search-index.js';

describe('asksForTextFile', () => {
  it('is true for a write verb shortly before a path to a text file', () => {
    expect(asksForTextFile('Summarize the news and save it to /root/notes/today.md')).toBe(true);
    expect(asksForTextFile('write the summary into ./out.txt.')).toBe(true);
    expect(asksForTextFile('generate a report at ~/reports/daily.json')).toBe(true);
    expect(asksForTextFile('Summarize the page and save it (to "/root/notes/page.md").')).toBe(true);
    // An extension the MIME database does not know is source text (a .py script).
    expect(asksForTextFile('Write a CNN example and save it to /root/code/cnn.py')).toBe(true);
    // A bare file name, with an extension the MIME database knows.
    expect(asksForTextFile('save this text to out.md')).toBe(true);
    expect(asksForTextFile('export the table as "q3-sales.csv"')).toBe(true);
    expect(asksForTextFile('write the changelog to docs/CHANGES.md')).toBe(true);
  });

  it('is false for binary documents, input paths, URLs and requests without a path', () => {
    expect(asksForTextFile('Convert /root/a.docx and save the result as /root/b.pdf')).toBe(false);
    expect(asksForTextFile('plot it and save it in /root/figs/sales.png')).toBe(false);
    expect(asksForTextFile('generate a chart from /root/data.csv')).toBe(false);
    expect(asksForTextFile('Read /root/notes/x.md and tell me what it says')).toBe(false);
    expect(asksForTextFile('save what https://example.org/docs/a.md says')).toBe(false);
    expect(asksForTextFile('save a note about the meeting')).toBe(false);
    expect(asksForTextFile('save the result to version 1.2')).toBe(false);
    expect(asksForTextFile('save the deck to q3.pptx and mail it')).toBe(false);
    expect(asksForTextFile('write a short guide to Node.js for beginners')).toBe(false);
    expect(asksForTextFile('save the link to openai.com')).toBe(false);
    // The verb belongs to another sentence.
    expect(asksForTextFile('Save nothing. Look at /root/notes/x.md')).toBe(false);
  });

  it('takes linear time on a pasted blob', () => {
    const blob = `save it to ${'+/'.repeat(50_000)} and to /root/a.md`;
    const start = process.cpuUsage();
    expect(asksForTextFile(blob)).toBe(true);
    const used = process.cpuUsage(start);
    // Generous: a quadratic scan of this blob takes seconds.
    expect((used.user + used.system) / 1000).toBeLessThan(500);
  });
});

describe('a request for its answer in a text file', () => {
  const build = (writeFileWeight?: number) =>
    indexOf(
      {
        news: [
          'World news',
          [
            tool('get_headlines', 'Latest news headlines'),
            tool('search_news', 'Search news articles by keyword'),
            tool('get_article', 'Full text of a news article'),
          ],
        ],
        files: [
          'Local files',
          [
            tool('read_file', 'Read the complete contents of a file'),
            tool('write_file', 'Create a new file or overwrite an existing file with new content'),
            tool('list_directory', 'List the entries of a directory'),
          ],
        ],
        charts: ['Charts', [tool('generate_bar_chart', 'Generate a bar chart as a PNG image')]],
      },
      writeFileWeight === undefined ? {} : { writeFileWeight },
    );
  const query = "Get today's news headlines and save a summary to /root/notes/news.md";

  it('finds the tool that writes files beside the tools that find the content', () => {
    const ranked = build()
      .search(query, { limit: 3 })
      .matches.map((m) => m.tool);
    expect(ranked).toContain('write_file');
    expect(ranked).toContain('get_headlines');
    expect(
      build(0)
        .search(query, { limit: 3 })
        .matches.map((m) => m.tool),
    ).not.toContain('write_file');
  });

  it('leaves a binary output to the tools that make it', () => {
    const ranked = build()
      .search('Chart the headlines and save it as /root/figs/news.png', { limit: 3 })
      .matches.map((m) => m.tool);
    expect(ranked).not.toContain('write_file');
  });
});

describe('outputFiles', () => {
  it('names the binary documents a request asks its answer in by their MIME type', () => {
    expect(outputFiles('Analyze the stock and summarize it in a PPT in /root/ppt/apple.pptx.')).toEqual({
      text: false,
      documents: ['presentation'],
    });
    expect(outputFiles('Finally, save it in /root/word/nio.docx').documents).toEqual(['document']);
    expect(outputFiles('Generate a PDF report in /root/pdf/report.pdf').documents).toEqual(['pdf']);
    expect(outputFiles('Turn the notes into slides and save them as q3-review.pptx').documents).toEqual([
      'presentation',
    ]);
  });

  it('leaves out inputs, images and text files', () => {
    expect(outputFiles('Read the file /root/word/exchange.docx and tell me who is missing').documents).toEqual([]);
    expect(outputFiles('plot it and save it in /root/figs/sales.png').documents).toEqual([]);
    expect(outputFiles('save it to /root/notes/today.md')).toEqual({ text: true, documents: [] });
  });
});

describe('a request for its answer in a binary document', () => {
  const build = (documentSlots?: number) =>
    indexOf(
      {
        stocks: [
          'Stock market data',
          [
            tool('get_historical_stock_prices', 'Historical stock prices of a ticker'),
            tool('get_news', 'Latest news about a stock ticker'),
          ],
        ],
        slides: [
          'PowerPoint decks',
          [
            tool('create_presentation', 'Create a new PowerPoint presentation'),
            tool('save_presentation', 'Save the presentation to a file'),
            tool('get_pptx_info', 'Information about a pptx file and its slides'),
            tool('delete_slide', 'Delete a slide of a pptx deck'),
            tool('copy_slide', 'Copy a slide of a pptx deck'),
          ],
        ],
      },
      documentSlots === undefined ? {} : { documentSlots },
    );
  const query = "Analyze Apple's stock for the past year and summarize it in a PPT in /root/ppt/apple.pptx.";
  const top = (index: ToolSearchIndex, q: string, limit = 5) => index.search(q, { limit }).matches.map((m) => m.tool);

  it('finds the tools that create and save that type beside the tools for its content', () => {
    const ranked = top(build(), query);
    expect(ranked).toEqual(
      expect.arrayContaining(['get_historical_stock_prices', 'create_presentation', 'save_presentation']),
    );
    expect(top(build(0), query)).not.toContain('create_presentation');
  });

  it('keeps a document tool the request names first where it is', () => {
    expect(top(build(), 'Save the deck as ./output/q3.pptx', 1)).toEqual(['save_presentation']);
  });
});
