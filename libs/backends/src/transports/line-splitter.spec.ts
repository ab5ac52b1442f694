import { describe, expect, it } from '@jest/globals';
import { LineSplitter, type OversizedLine } from './line-splitter.js';

function splitter(maxBytes: number) {
  const lines: string[] = [];
  const oversized: OversizedLine[] = [];
  const split = new LineSplitter({
    maxBytes,
    onLine: (line) => lines.push(line),
    onOversized: (l) => oversized.push(l),
  });
  return { split, lines, oversized };
}

describe('LineSplitter', () => {
  it('joins a line from many chunks, keeps characters cut between chunks whole, and splits several per chunk', () => {
    const { split, lines } = splitter(1024);
    const bytes = Buffer.from('héllo 😀 漢字\nsecond\nthi');
    for (let i = 0; i < bytes.length; i++) split.push(bytes.subarray(i, i + 1));
    expect(lines).toEqual(['héllo 😀 漢字', 'second']);
    expect(split.partial).toBe(true);
    split.push(Buffer.from('rd\n\n'));
    expect(lines).toEqual(['héllo 😀 漢字', 'second', 'third']);
    expect(split.partial).toBe(false);
  });

  it('a 64 MB line in 64 KB chunks arrives whole', () => {
    const { split, lines } = splitter(128 * 1024 ** 2);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    for (let i = 0; i < 1024; i++) split.push(chunk);
    split.push(Buffer.from('\n'));
    expect(lines).toHaveLength(1);
    expect(lines[0].length).toBe(64 * 1024 ** 2);
  });

  it('a line over the limit is counted, not kept: its size and ends are reported, and the next line is fine', () => {
    const { split, lines, oversized } = splitter(1000);
    split.push(Buffer.from(`{"result":${'1'.repeat(700)}`));
    split.push(Buffer.from('2'.repeat(700)));
    split.push(Buffer.from(`3,"id":7}\n{"ok":1}\n`));
    expect(oversized).toHaveLength(1);
    expect(oversized[0].bytes).toBe(10 + 700 + 700 + 9);
    expect(oversized[0].head.startsWith('{"result":111')).toBe(true);
    expect(oversized[0].tail.endsWith('223,"id":7}')).toBe(true);
    expect(lines).toEqual(['{"ok":1}']);
  });
});
