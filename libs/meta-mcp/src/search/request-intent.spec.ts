import { describe, expect, it } from '@jest/globals';
import { actionFits, nameActions, requestVerbs, toolIntent } from './request-intent.js';

const requestIntent = (q: string) => requestVerbs(q).intent;
const requestAction = (q: string) => requestVerbs(q).action;

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

  it('a request whose clauses open with verbs of different actions asks for no single action', () => {
    expect(requestAction('I want to create a dependency but first show me bar 456')).toBeUndefined();
    expect(requestAction('find the old tags, then delete them')).toBeUndefined();
    // A later verb inside what the first one names is not a step of its own.
    expect(requestAction('show the edit history of the Main Page')).toBe('read');
    expect(requestAction('add a comment and add a tag')).toBe('create');
  });

  it('reads a tool side from its annotations only', () => {
    expect(toolIntent({ readOnlyHint: true })).toBe('read');
    expect(toolIntent({ readOnlyHint: false })).toBe('write');
    expect(toolIntent({ destructiveHint: true })).toBe('write');
    expect(toolIntent({ title: 'x' })).toBeUndefined();
    expect(toolIntent(undefined)).toBeUndefined();
  });

  it('tells create, update and delete apart in requests and tool names', () => {
    expect(requestAction('Remove the arrow between these items')).toBe('delete');
    expect(requestAction('can you add a title')).toBe('create');
    expect(requestAction('Resize this sticky note')).toBe('update');
    expect(requestAction('What milestones are set for Q2?')).toBe('read');
    expect(requestAction('Bazi chart for 1990-08-15')).toBeUndefined();
    expect([...nameActions('miro_delete_connector')]).toEqual(['delete']);
    expect([...nameActions('mediawiki_find_replace')]).toEqual(['read', 'update']);
    expect([...nameActions('manage_bar')]).toEqual(['write']);
    expect(nameActions('health').size).toBe(0);
  });

  it('a name verb of any change fits every change; a name with no verb fits anything', () => {
    expect(actionFits('create', nameActions('manage_bar'))).toBe(true);
    expect(actionFits('read', nameActions('manage_bar'))).toBe(false);
    expect(actionFits('update', nameActions('mediawiki_find_replace'))).toBe(true);
    expect(actionFits('delete', nameActions('miro_create_connector'))).toBe(false);
    expect(actionFits('delete', nameActions('health'))).toBe(true);
  });
});
