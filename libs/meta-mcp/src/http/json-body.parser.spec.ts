import { describe, expect, it } from '@jest/globals';
import { MAX_JSON_DEPTH, nestedDeeperThan } from './json-body.parser.js';

const nested = (depth: number, open = '[', close = ']') => open.repeat(depth) + close.repeat(depth);

describe('nestedDeeperThan', () => {
  it('counts objects and arrays alike, up to and past the limit', () => {
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH), MAX_JSON_DEPTH)).toBe(false);
    expect(nestedDeeperThan(nested(MAX_JSON_DEPTH + 1), MAX_JSON_DEPTH)).toBe(true);
    const objects = '{"a":'.repeat(MAX_JSON_DEPTH + 1) + '1' + '}'.repeat(MAX_JSON_DEPTH + 1);
    expect(nestedDeeperThan(objects, MAX_JSON_DEPTH)).toBe(true);
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    const text = JSON.stringify({ text: `"${nested(500)}\\"${'['.repeat(500)}` });
    expect(nestedDeeperThan(text, MAX_JSON_DEPTH)).toBe(false);
  });

  it('measures depth, not the number of containers', () => {
    const wide = JSON.stringify(Array.from({ length: 10_000 }, () => ({ a: [1] })));
    expect(nestedDeeperThan(wide, MAX_JSON_DEPTH)).toBe(false);
  });
});
