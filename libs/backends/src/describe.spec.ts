import { describe as suite, expect, it } from '@jest/globals';
import { McpError } from '@modelcontextprotocol/sdk/types.js';
import { describe } from './backend-errors.js';

suite('describe(error): a failure in one line a person can act on', () => {
  it('adds the root cause code of a network error', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(describe(new TypeError('fetch failed', { cause: refused }))).toBe('fetch failed (ECONNREFUSED)');
  });

  it("adds the innermost cause's message when there is no code", () => {
    expect(describe(new TypeError('fetch failed', { cause: new Error('bad port') }))).toBe('fetch failed (bad port)');
  });

  it('drops repeated "MCP error <code>:" prefixes', () => {
    expect(describe(new McpError(-32603, 'MCP error -32603: kaboom'))).toBe('kaboom');
  });
});
