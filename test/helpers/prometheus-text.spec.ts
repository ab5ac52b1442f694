import { describe, expect, it } from '@jest/globals';
import { Counter, Histogram, Registry } from 'prom-client';
import { parsePrometheusText, sampleValue } from './prometheus-text.js';

describe('parsePrometheusText', () => {
  it("reads prom-client's own output, escapes included", async () => {
    const registry = new Registry();
    const counter = new Counter({ name: 'x_total', help: 'X "things"\\n', labelNames: ['a'], registers: [registry] });
    counter.inc({ a: 'quote " backslash \\ newline \n' }, 2);
    new Histogram({ name: 'h_seconds', help: 'H', buckets: [0.1, 1], registers: [registry] }).observe(0.5);
    const families = parsePrometheusText(await registry.metrics());
    expect(families.get('x_total')?.type).toBe('counter');
    expect(sampleValue(families, 'x_total', { a: 'quote " backslash \\ newline \n' })).toBe(2);
    expect(sampleValue(families, 'h_seconds_bucket', { le: '1' })).toBe(1);
    expect(sampleValue(families, 'h_seconds_bucket', { le: '+Inf' })).toBe(1);
    expect(sampleValue(families, 'h_seconds_count')).toBe(1);
  });

  it.each([
    ['a sample without a TYPE', 'foo 1\n'],
    ['a bad value', '# TYPE foo gauge\nfoo one\n'],
    ['a bad label', '# TYPE foo gauge\nfoo{a=b} 1\n'],
    ['a bad name', '# TYPE foo gauge\n1foo 1\n'],
    ['an unknown type', '# TYPE foo thing\nfoo 1\n'],
  ])('rejects %s', (_what, text) => {
    expect(() => parsePrometheusText(text)).toThrow();
  });
});
