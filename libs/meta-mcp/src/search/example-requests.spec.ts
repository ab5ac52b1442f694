import { describe, expect, it } from '@jest/globals';
import { exampleMatch, exampleWords, quotedExamples } from './example-requests.js';

describe('quoted example requests', () => {
  const description =
    'List the members of a board.\n\nUSE WHEN: User asks "who has access to this board", "list board members"\n' +
    "Also: 'show the team'. Argument example: \"gene:BRAF\". Don't confuse with other tools.";

  it('takes the quoted phrases of two or more words, straight or single quotes, and not single-word arguments', () => {
    const examples = quotedExamples(description).map((e) => [...e]);
    expect(examples).toEqual([
      ['who', 'has', 'access', 'to', 'this', 'board'],
      ['list', 'board', 'member'],
      ['show', 'the', 'team'],
    ]);
  });

  it('an apostrophe inside a word opens no quote', () => {
    expect(quotedExamples("It doesn't matter what's on it; the board's items")).toEqual([]);
  });

  it('scores a request worded like an example high, and an unrelated or long request low', () => {
    const examples = quotedExamples(description);
    const close = exampleMatch(exampleWords('Who has access to this board?'), examples);
    const loose = exampleMatch(exampleWords('delete this board'), examples);
    expect(close).toBe(1);
    expect(loose).toBeGreaterThan(0);
    expect(loose).toBeLessThan(0.5);
    const task =
      'Plan the quarter for the design team: check who has access to this board, archive the old retro frames, ' +
      'summarise last sprint velocity, draft the roadmap for Q3 with milestones, then invite Priya and Jonas, ' +
      'export a PDF for leadership and post the link in Slack, book a room near the office for Tuesday morning, ' +
      'order lunch and remind everybody about expenses';
    expect(exampleMatch(exampleWords(task), examples)).toBe(0);
    expect(exampleMatch(exampleWords('who has access'), [])).toBe(0);
  });
});
