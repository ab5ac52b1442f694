import { describe, expect, it } from '@jest/globals';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { BackendUnavailableError } from './backend-errors.js';
import { classifyFailure } from './failure-classifier.js';

/** What JSON.stringify throws on arguments nested too deep for the stack. */
function serializationOverflow(): unknown {
  let deep: unknown = 1;
  for (let i = 0; i < 1_000_000; i++) deep = [deep];
  try {
    JSON.stringify(deep);
  } catch (error) {
    return error;
  }
  throw new Error('JSON.stringify did not overflow');
}

describe('classifyFailure', () => {
  it("the gateway failing to serialize a client's request (stack overflow) is the request's fault", () => {
    const error = serializationOverflow();
    expect(error).toBeInstanceOf(RangeError);
    expect(classifyFailure(error)).toBe('rejected');
  });

  it('tells answered, unsent, timed-out and failed requests apart', () => {
    expect(classifyFailure(new McpError(ErrorCode.InvalidParams, 'bad'))).toBe('answered');
    expect(classifyFailure(new McpError(ErrorCode.RequestTimeout, 'late'))).toBe('timeout');
    expect(classifyFailure(new BackendUnavailableError('x', 'spawn failed'))).toBe('unsent');
    expect(classifyFailure(new Error('Not connected'))).toBe('unsent');
    expect(classifyFailure(new McpError(ErrorCode.ConnectionClosed, 'closed'))).toBe('failed');
    expect(classifyFailure(new Error('socket hang up'))).toBe('failed');
  });
});
