import { describe, expect, it } from '@jest/globals';
import { requestIntent, toolIntent } from './request-intent.js';

describe('request intent', () => {
  it('questions and read verbs read; change verbs write', () => {
    for (const q of [
      'Who has access to this board?',
      'show the edit history of the Main Page',
      'list my roadmaps',
      'is there a board called Retro',
    ]) {
      expect({ q, intent: requestIntent(q) }).toEqual({ q, intent: 'read' });
    }
    for (const q of ['Remove the arrow between these items', 'create a board called Retro', 'rename the board to Q3']) {
      expect({ q, intent: requestIntent(q) }).toEqual({ q, intent: 'write' });
    }
  });

  it('the first verb decides, after politeness; no verb says nothing', () => {
    expect(requestIntent('can you please remove the old tag')).toBe('write');
    expect(requestIntent('I want to add two new people')).toBe('write');
    expect(requestIntent('find the duplicates and delete them')).toBe('read');
    expect(requestIntent('Bazi chart for 1990-08-15')).toBeUndefined();
    expect(requestIntent('')).toBeUndefined();
  });

  it('reads a tool side from its annotations only', () => {
    expect(toolIntent({ readOnlyHint: true })).toBe('read');
    expect(toolIntent({ readOnlyHint: false })).toBe('write');
    expect(toolIntent({ destructiveHint: true })).toBe('write');
    expect(toolIntent({ title: 'x' })).toBeUndefined();
    expect(toolIntent(undefined)).toBeUndefined();
  });
});
