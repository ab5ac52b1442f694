// Role globs: deny wins, no allow means no access, `backend/*` covers tools, prompts and resources.
import { describe, expect, it } from '@jest/globals';
import { AccessPolicy, ALLOW_ALL, globToRegExp } from './access-policy.js';

const roles = {
  analyst: { allow: ['wikipedia/*', 'memory/read_graph', 'memory/search_*'], deny: ['*/delete_*'] },
  admin: { allow: ['*'], deny: [] },
  locked: { allow: ['*'], deny: ['secrets/*'] },
  prompts: { allow: ['everything/prompt:simple-*', 'everything/resource:demo://static/*'], deny: [] },
};

describe('AccessPolicy', () => {
  const policy = new AccessPolicy(roles);

  it('allows what an allow glob matches unless a deny glob matches too', () => {
    const analyst = policy.for(['analyst']);
    expect(analyst.allows('wikipedia', 'tool', 'search')).toBe(true);
    expect(analyst.allows('wikipedia', 'tool', 'delete_page')).toBe(false);
    expect(analyst.allows('memory', 'tool', 'read_graph')).toBe(true);
    expect(analyst.allows('memory', 'tool', 'search_nodes')).toBe(true);
    expect(analyst.allows('memory', 'tool', 'create_entities')).toBe(false);
    expect(analyst.allows('github', 'tool', 'search')).toBe(false);
  });

  it('lets backend/* cover prompts and resources, and names them backend/prompt:NAME, backend/resource:URI', () => {
    const analyst = policy.for(['analyst']);
    expect(analyst.allows('wikipedia', 'prompt', 'summarize')).toBe(true);
    expect(analyst.allows('wikipedia', 'resource', 'wiki://page/1')).toBe(true);
    const prompts = policy.for(['prompts']);
    expect(prompts.allows('everything', 'prompt', 'simple-prompt')).toBe(true);
    expect(prompts.allows('everything', 'prompt', 'args-prompt')).toBe(false);
    expect(prompts.allows('everything', 'tool', 'simple-prompt')).toBe(false);
    expect(prompts.allows('everything', 'resource', 'demo://static/a/b')).toBe(true);
    expect(prompts.allows('everything', 'resource', 'demo://dynamic/1')).toBe(false);
  });

  it('gives no access to a principal without known roles', () => {
    expect(policy.for([]).allows('wikipedia', 'tool', 'search')).toBe(false);
    expect(policy.for(['unknown']).mayUse('wikipedia')).toBe(false);
  });

  it('unites several roles, and a deny of any of them still wins', () => {
    const both = policy.for(['analyst', 'locked']);
    expect(both.allows('github', 'tool', 'search')).toBe(true);
    expect(both.allows('wikipedia', 'tool', 'delete_page')).toBe(false);
    expect(both.allows('secrets', 'tool', 'read')).toBe(false);
  });

  it('tells which backends may be used at all', () => {
    const analyst = policy.for(['analyst']);
    expect(['wikipedia', 'memory', 'github'].filter((name) => analyst.mayUse(name))).toEqual(['wikipedia', 'memory']);
    expect(policy.for(['locked']).mayUse('secrets')).toBe(false);
    expect(policy.for(['locked']).mayUse('github')).toBe(true);
    expect(policy.for(['prompts']).mayUse('everything')).toBe(true);
  });

  it('is off (everything allowed) when no roles are configured', () => {
    expect(new AccessPolicy({}).for([])).toBe(ALLOW_ALL);
  });

  it('shares one compiled access per set of roles', () => {
    expect(policy.for(['locked', 'analyst'])).toBe(policy.for(['analyst', 'locked', 'analyst']));
  });
});

describe('globToRegExp', () => {
  it('treats only * and ? as wildcards', () => {
    expect(globToRegExp('a.b/c+d').test('a.b/c+d')).toBe(true);
    expect(globToRegExp('a.b/c+d').test('aXb/c+d')).toBe(false);
    expect(globToRegExp('x/t?ol').test('x/tool')).toBe(true);
    expect(globToRegExp('x/*').test('x/resource:file:///etc/passwd')).toBe(true);
    expect(globToRegExp('(x|y)/[a]').test('(x|y)/[a]')).toBe(true);
  });
});
