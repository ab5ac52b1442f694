import { describe, expect, it } from '@jest/globals';
import { CircuitBreaker } from './circuit-breaker.policy.js';
import type { CircuitStateName, Verdict } from './failure-kind.js';
import { CircuitOpenError } from './resilience-errors.js';

class Fault extends Error {
  constructor(readonly verdict: Verdict) {
    super(`fault (${verdict})`);
  }
}

const RESET_MS = 60;

/** The breaker's clock: moved by the tests, never by waiting. */
let clock = 1_000_000;
const passes = (ms: number) => (clock += ms);

function breaker(failureThreshold = 3, successThreshold = 2) {
  const cb = new CircuitBreaker(
    'alpha',
    { failureThreshold, successThreshold, resetTimeoutMs: RESET_MS },
    (error) => (error instanceof Fault ? error.verdict : 'failure'),
    () => clock,
  );
  const transitions: string[] = [];
  cb.on('transition', (from: CircuitStateName, to: CircuitStateName) => transitions.push(`${from}->${to}`));
  return { cb, transitions };
}

const ok = () => Promise.resolve('ok');
const fail =
  (verdict: Verdict = 'failure') =>
  () =>
    Promise.reject(new Fault(verdict));

async function failTimes(cb: CircuitBreaker, n: number, verdict: Verdict = 'failure') {
  for (let i = 0; i < n; i++) await expect(cb.execute(fail(verdict))).rejects.toBeInstanceOf(Fault);
}

describe('CircuitBreaker', () => {
  it('opens after failure_threshold consecutive failures and then rejects without calling', async () => {
    const { cb, transitions } = breaker(3);
    await failTimes(cb, 2);
    expect(cb.state).toBe('closed');
    await failTimes(cb, 1);
    expect(cb.state).toBe('open');
    expect(transitions).toEqual(['closed->open']);

    let called = false;
    const rejected = cb.execute(async () => {
      called = true;
      return 'x';
    });
    await expect(rejected).rejects.toBeInstanceOf(CircuitOpenError);
    const error = (await rejected.catch((e: unknown) => e)) as CircuitOpenError;
    expect(called).toBe(false);
    expect(error.message).toMatch(
      /^backend "alpha" is unavailable: its circuit breaker opened after 3 consecutive failures/,
    );
    expect(error.message).toContain('(last: fault (failure))');
    expect(error.message).toMatch(/tries it again in \d+ms \(at \d{4}-\d\d-\d\dT/);
    expect(error.retryAfterMs).toBe(RESET_MS);
    passes(RESET_MS - 1);
    expect(cb.retryAfterMs).toBe(1);
    await expect(cb.execute(ok)).rejects.toBeInstanceOf(CircuitOpenError); // 1 ms early: still open
    expect(error.data).toMatchObject({ backend: 'alpha', retry_after_ms: error.retryAfterMs });
  });

  it('a success or an answered error resets the consecutive count; a neutral error counts for nothing', async () => {
    const { cb } = breaker(3);
    await failTimes(cb, 2);
    await expect(cb.execute(ok)).resolves.toBe('ok');
    await failTimes(cb, 2);
    await failTimes(cb, 1, 'success'); // a JSON-RPC error: the backend is working
    await failTimes(cb, 2);
    await failTimes(cb, 5, 'neutral'); // cancelled calls
    expect(cb.state).toBe('closed');
    await failTimes(cb, 1);
    expect(cb.state).toBe('open');
  });

  it('half-opens after reset_timeout and closes after success_threshold successes', async () => {
    const { cb, transitions } = breaker(2, 3);
    await failTimes(cb, 2);
    passes(RESET_MS);
    expect(cb.state).toBe('open'); // half-opening happens with the next call
    await expect(cb.execute(ok)).resolves.toBe('ok');
    expect(cb.state).toBe('half_open');
    await cb.execute(ok);
    expect(cb.state).toBe('half_open');
    await cb.execute(ok);
    expect(cb.state).toBe('closed');
    expect(transitions).toEqual(['closed->open', 'open->half_open', 'half_open->closed']);
  });

  it('any failure while half-open reopens it, whether on the probe or on a later call', async () => {
    const { cb, transitions } = breaker(1, 2);
    await failTimes(cb, 1);
    passes(RESET_MS);
    await failTimes(cb, 1); // the probe fails
    expect(cb.state).toBe('open');
    await expect(cb.execute(ok)).rejects.toThrow(/reopened when a trial request failed/);

    passes(RESET_MS);
    await cb.execute(ok); // probe succeeds: still half-open, one success owed
    expect(cb.state).toBe('half_open');
    await failTimes(cb, 1);
    expect(cb.state).toBe('open');
    expect(transitions).toEqual([
      'closed->open',
      'open->half_open',
      'half_open->open',
      'open->half_open',
      'half_open->open',
    ]);
  });

  it('success_threshold 1 closes on the probe', async () => {
    const { cb } = breaker(1, 1);
    await failTimes(cb, 1);
    passes(RESET_MS);
    await cb.execute(ok);
    expect(cb.state).toBe('closed');
  });
});
