import { describe, expect, it } from '@jest/globals';
import { isRepeatable, RetryPolicy } from './retry.policy.js';

describe('isRepeatable', () => {
  it.each(['ping', 'tools/list', 'resources/read', 'prompts/get', 'resources/list', 'prompts/list'])(
    '%s is',
    (method) => {
      expect(isRepeatable(method, undefined, false)).toBe(true);
    },
  );

  it.each(['resources/subscribe', 'logging/setLevel', 'sampling/createMessage', 'other/thing'])(
    '%s is not',
    (method) => {
      expect(isRepeatable(method, undefined, true)).toBe(false);
    },
  );

  it('tools/call only for readOnlyHint or idempotentHint tools, or with retry_tool_calls', () => {
    expect(isRepeatable('tools/call', undefined, false)).toBe(false);
    expect(isRepeatable('tools/call', {}, false)).toBe(false);
    expect(isRepeatable('tools/call', { readOnlyHint: false, idempotentHint: false }, false)).toBe(false);
    expect(isRepeatable('tools/call', { readOnlyHint: true }, false)).toBe(true);
    expect(isRepeatable('tools/call', { idempotentHint: true }, false)).toBe(true);
    expect(isRepeatable('tools/call', undefined, true)).toBe(true);
  });
});

describe('RetryPolicy', () => {
  const settings = { maxAttempts: 4, initialBackoffMs: 20, maxBackoffMs: 40 };

  it('makes at most max_attempts attempts, with full-jitter delays below the backoff cap', async () => {
    const delays: number[] = [];
    let calls = 0;
    const policy = new RetryPolicy(settings);
    const run = policy.execute(
      () => {
        calls++;
        return Promise.reject(new Error(`attempt ${calls}`));
      },
      () => true,
      undefined,
      (_attempt, delayMs) => delays.push(delayMs),
    );
    await expect(run).rejects.toThrow('attempt 4');
    expect(calls).toBe(4);
    expect(delays).toHaveLength(3);
    for (const [i, delay] of delays.entries()) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(40, 20 * 2 ** i));
    }
  });

  it('stops at the first success, and never retries what shouldRetry refuses', async () => {
    let calls = 0;
    const policy = new RetryPolicy(settings);
    await expect(
      policy.execute(
        () => (++calls < 3 ? Promise.reject(new Error('again')) : Promise.resolve('third')),
        () => true,
        undefined,
        () => undefined,
      ),
    ).resolves.toBe('third');
    expect(calls).toBe(3);

    calls = 0;
    await expect(
      policy.execute(
        () => {
          calls++;
          return Promise.reject(new Error('final'));
        },
        () => false,
        undefined,
        () => undefined,
      ),
    ).rejects.toThrow('final');
    expect(calls).toBe(1);
  });
});
