import { describe, expect, it } from '@jest/globals';
import { namespaceTools, type NamespacedTool } from './tool-namespace.js';

const MCP_TOOL_NAME = /^[A-Za-z0-9_.-]{1,128}$/;

function nameOf(result: NamespacedTool[], backend: string, tool: string): string {
  const entry = result.find((candidate) => candidate.backend === backend && candidate.tool === tool);
  if (!entry) throw new Error(`no entry for ${backend}/${tool}`);
  return entry.name;
}

function expectValidAndUnique(result: NamespacedTool[]): void {
  for (const { name } of result) expect(name).toMatch(MCP_TOOL_NAME);
  expect(new Set(result.map(({ name }) => name)).size).toBe(result.length);
}

describe('namespaceTools', () => {
  it('names a valid pair {backend}__{tool}, unchanged', () => {
    const result = namespaceTools([
      { backend: 'github', tool: 'create_issue' },
      { backend: 'fs', tool: 'read.file-v2' },
    ]);
    expect(nameOf(result, 'github', 'create_issue')).toBe('github__create_issue');
    expect(nameOf(result, 'fs', 'read.file-v2')).toBe('fs__read.file-v2');
  });

  it('keeps one entry per input, each pointing back at its backend and tool', () => {
    const entries = [
      { backend: 'a', tool: 'x' },
      { backend: 'b', tool: 'x' },
      { backend: 'a', tool: 'y' },
    ];
    const result = namespaceTools(entries);
    expect(result.map(({ backend, tool }) => ({ backend, tool }))).toEqual(expect.arrayContaining(entries));
    expect(result).toHaveLength(entries.length);
    expectValidAndUnique(result);
  });

  it('replaces characters outside [A-Za-z0-9_.-] and adds a hash of the original pair', () => {
    const result = namespaceTools([
      { backend: 'docs', tool: 'search docs!' },
      { backend: 'docs', tool: 'búsqueda/元' },
    ]);
    const spaced = nameOf(result, 'docs', 'search docs!');
    expect(spaced).toMatch(/^docs__search_docs__[0-9a-f]{8}$/);
    expect(nameOf(result, 'docs', 'búsqueda/元')).toMatch(/^docs__b_squeda___[0-9a-f]{8}$/);
    expectValidAndUnique(result);
  });

  it('cuts names longer than 128 characters, still unique when the long prefixes are equal', () => {
    const long = 'x'.repeat(150);
    const result = namespaceTools([
      { backend: 'srv', tool: `${long}_one` },
      { backend: 'srv', tool: `${long}_two` },
      { backend: 'srv', tool: 'y'.repeat(128 - 'srv__'.length) }, // exactly 128: no change needed
    ]);
    expectValidAndUnique(result);
    for (const { name } of result) expect(name.length).toBeLessThanOrEqual(128);
    expect(nameOf(result, 'srv', `${long}_one`)).toMatch(/^srv__x+_[0-9a-f]{8}$/);
    expect(nameOf(result, 'srv', 'y'.repeat(123))).toBe(`srv__${'y'.repeat(123)}`);
  });

  it('gives distinct names to pairs that clash after sanitizing', () => {
    const result = namespaceTools([
      { backend: 'web', tool: 'fetch url' },
      { backend: 'web', tool: 'fetch?url' },
      { backend: 'web', tool: 'fetch_url' },
    ]);
    expectValidAndUnique(result);
    // The already-valid name keeps its plain form; the sanitized ones get hashes.
    expect(nameOf(result, 'web', 'fetch_url')).toBe('web__fetch_url');
    expect(nameOf(result, 'web', 'fetch url')).toMatch(/^web__fetch_url_[0-9a-f]{8}$/);
    expect(nameOf(result, 'web', 'fetch?url')).toMatch(/^web__fetch_url_[0-9a-f]{8}$/);
  });

  it('gives distinct names to pairs that clash through the separator (a + b__c vs a__b + c)', () => {
    const result = namespaceTools([
      { backend: 'a', tool: 'b__c' },
      { backend: 'a__b', tool: 'c' },
    ]);
    expectValidAndUnique(result);
    expect(result.map(({ name }) => name)).toContain('a__b__c');
  });

  it('is stable: the same pairs get the same names, in any order and on every run', () => {
    const entries = [
      { backend: 'web', tool: 'fetch url' },
      { backend: 'web', tool: 'fetch_url' },
      { backend: 'web', tool: 'fetch?url' },
      { backend: 'a', tool: 'b__c' },
      { backend: 'a__b', tool: 'c' },
      { backend: 'srv', tool: 'z'.repeat(200) },
      { backend: 'everything', tool: 'echo' },
    ];
    const byPair = (result: NamespacedTool[]) =>
      Object.fromEntries(result.map(({ backend, tool, name }) => [`${backend}/${tool}`, name]));
    const first = byPair(namespaceTools(entries));
    expect(byPair(namespaceTools(entries))).toEqual(first);
    expect(byPair(namespaceTools([...entries].reverse()))).toEqual(first);
    expect(
      byPair(namespaceTools([entries[3], entries[0], entries[6], entries[2], entries[5], entries[1], entries[4]])),
    ).toEqual(first);
  });

  it('depends only on the pair for a hashed name, not on the other tools', () => {
    const alone = nameOf(namespaceTools([{ backend: 'web', tool: 'fetch url' }]), 'web', 'fetch url');
    const withOthers = nameOf(
      namespaceTools([
        { backend: 'web', tool: 'fetch url' },
        { backend: 'other', tool: 'thing' },
      ]),
      'web',
      'fetch url',
    );
    expect(withOthers).toBe(alone);
  });
});

describe('namespaceTools ordering', () => {
  it('gives the same names whatever order the backends are configured in', () => {
    const pairs = [
      { backend: 'a', tool: '_b' },
      { backend: 'a_', tool: 'b' },
    ];
    const names = (entries: typeof pairs) =>
      Object.fromEntries(namespaceTools(entries).map((entry) => [`${entry.backend}/${entry.tool}`, entry.name]));
    expect(names([...pairs].reverse())).toEqual(names(pairs));
  });
});
