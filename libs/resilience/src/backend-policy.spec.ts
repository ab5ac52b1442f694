import { describe, expect, it } from '@jest/globals';
import { BackendPolicy, type BackendPolicySettings, type CallRecord, type PolicyCall } from './backend-policy.js';
import type { FailureKind } from './failure-kind.js';
import {
  CallCancelledError,
  CircuitOpenError,
  ConcurrencyLimitError,
  NotRetriedError,
  RateLimitedError,
  RequestRejectedError,
  RequestTimeoutError,
} from './resilience-errors.js';

/** A backend error the fake classifier recognises by its kind. */
class Fault extends Error {
  constructor(readonly kind: FailureKind) {
    super(`fault: ${kind}`);
  }
}

const classify = (error: unknown): FailureKind => (error instanceof Fault ? error.kind : 'failed');

const BASE: BackendPolicySettings = {
  breaker: { failureThreshold: 3, successThreshold: 1, resetTimeoutMs: 10_000 },
  retry: { maxAttempts: 3, initialBackoffMs: 1, maxBackoffMs: 5 },
  concurrency: { max: 10, queue: 10 },
  deadlineMs: 2_000,
};

function policy(overrides: Partial<BackendPolicySettings> = {}) {
  const p = new BackendPolicy('alpha', { ...BASE, ...overrides }, classify);
  const calls: CallRecord[] = [];
  const retries: number[] = [];
  p.on('call', (record) => calls.push(record));
  p.on('retry', ({ attempt }) => retries.push(attempt));
  return { p, calls, retries };
}

function call(overrides: Partial<PolicyCall> = {}): PolicyCall {
  return { method: 'tools/call', tool: 'write', repeatable: false, timeoutMs: 1_000, ...overrides };
}

/** An attempt function that fails with the given kinds in turn, then answers. */
function failing(...kinds: FailureKind[]) {
  let n = 0;
  const attempt = () => {
    const kind = kinds[n++];
    return kind ? Promise.reject(new Fault(kind)) : Promise.resolve({ content: [], n });
  };
  return { attempt, count: () => n };
}

describe('BackendPolicy retries', () => {
  it('retries a repeatable request after transport failures and succeeds on the third attempt', async () => {
    const { p, calls, retries } = policy();
    const { attempt, count } = failing('failed', 'failed');
    await expect(p.execute(call({ repeatable: true, tool: 'read' }), attempt)).resolves.toMatchObject({ n: 3 });
    expect(count()).toBe(3);
    expect(retries).toEqual([2, 3]); // the attempt numbers of the retries
    expect(calls).toEqual([expect.objectContaining({ method: 'tools/call', tool: 'read', outcome: 'ok' })]);
  });

  it('never retries a non-repeatable tools/call that may have run, and says so', async () => {
    const { p, calls } = policy();
    const { attempt, count } = failing('failed');
    const error = await p.execute(call(), attempt).catch((e: unknown) => e);
    expect(count()).toBe(1);
    expect(error).toBeInstanceOf(NotRetriedError);
    expect((error as Error).message).toMatch(
      /^backend "alpha" failed during tools\/call write: fault: failed\. Not retried: the tool write may have run/,
    );
    expect((error as Error).cause).toBeInstanceOf(Fault);
    expect(calls[0].outcome).toBe('failure');
  });

  it('retries a failure before the request was sent, even for a non-repeatable call', async () => {
    const { p } = policy();
    const { attempt, count } = failing('unsent', 'unsent');
    await expect(p.execute(call(), attempt)).resolves.toMatchObject({ n: 3 });
    expect(count()).toBe(3);
  });

  it('gives up after max_attempts, with the last error', async () => {
    const { p } = policy();
    const { attempt, count } = failing('unsent', 'unsent', 'unsent', 'unsent');
    await expect(p.execute(call(), attempt)).rejects.toThrow('fault: unsent');
    expect(count()).toBe(3);
  });

  it('never retries a JSON-RPC error or a timeout', async () => {
    const { p, calls } = policy();
    const answered = failing('answered');
    await expect(p.execute(call({ repeatable: true }), answered.attempt)).rejects.toThrow('fault: answered');
    expect(answered.count()).toBe(1);
    const timedOut = failing('timeout');
    const error = await p
      .execute(call({ repeatable: true, timeoutMs: 750 }), timedOut.attempt)
      .catch((e: unknown) => e);
    expect(timedOut.count()).toBe(1);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toBe(
      'backend "alpha" did not answer tools/call within 750ms; the request was cancelled at the server.',
    );
    expect(calls.map((c) => c.outcome)).toEqual(['error', 'timeout']);
  });

  it('with retries disabled, sends once', async () => {
    const { p } = policy({ retry: undefined });
    const { attempt, count } = failing('unsent');
    await expect(p.execute(call(), attempt)).rejects.toThrow('fault: unsent');
    expect(count()).toBe(1);
  });
});

describe('BackendPolicy breaker', () => {
  it('opens on transport failures (each attempt counts) and then fails fast, not retried', async () => {
    const { p, calls } = policy({ retry: { maxAttempts: 2, initialBackoffMs: 1, maxBackoffMs: 1 } });
    const transitions: string[] = [];
    p.on('circuit', (from, to) => transitions.push(`${from}->${to}`));
    await expect(p.execute(call({ repeatable: true }), failing('failed', 'failed').attempt)).rejects.toThrow();
    expect(p.circuitState).toBe('closed');
    const third = failing('failed', 'failed');
    const error = await p.execute(call({ repeatable: true }), third.attempt).catch((e: unknown) => e);
    expect(third.count()).toBe(1); // the breaker opened on its first failure; the retry met an open circuit
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(p.circuitState).toBe('open');
    expect(transitions).toEqual(['closed->open']);

    const untouched = failing();
    await expect(p.execute(call(), untouched.attempt)).rejects.toBeInstanceOf(CircuitOpenError);
    expect(untouched.count()).toBe(0);
    expect(calls.map((c) => c.outcome)).toEqual(['failure', 'circuit_open', 'circuit_open']);
  });

  it('JSON-RPC errors never trip it', async () => {
    const { p } = policy();
    for (let i = 0; i < 10; i++) await expect(p.execute(call(), failing('answered').attempt)).rejects.toThrow();
    expect(p.circuitState).toBe('closed');
  });

  it("a request the gateway cannot send as given is the client's: -32602, never retried, never counted", async () => {
    const { p, calls, retries } = policy();
    for (let i = 0; i < 10; i++) {
      const rejected = failing('rejected');
      const error = await p.execute(call({ repeatable: true }), rejected.attempt).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(RequestRejectedError);
      expect(error).toMatchObject({ code: -32602 });
      expect((error as Error).message).toContain('backend "alpha" was not sent tools/call');
      expect(rejected.count()).toBe(1);
    }
    expect(retries).toEqual([]);
    expect(p.circuitState).toBe('closed');
    expect(new Set(calls.map((c) => c.outcome))).toEqual(new Set(['error']));
    await expect(p.execute(call(), failing().attempt)).resolves.toMatchObject({ n: 1 });
  });
});

describe('BackendPolicy limits', () => {
  it('rate limit: a burst beyond it fails at once with the time to wait', async () => {
    const { p, calls } = policy({ rateLimit: { perSecond: 2, burst: 3 } });
    const results = await Promise.allSettled(Array.from({ length: 5 }, () => p.execute(call(), failing().attempt)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected').map((r) => r.reason);
    expect(rejected).toHaveLength(2);
    for (const reason of rejected) {
      expect(reason).toBeInstanceOf(RateLimitedError);
      expect((reason as RateLimitedError).retryAfterMs).toBeGreaterThan(0);
      expect((reason as Error).message).toMatch(
        /^backend "alpha" is rate limited: more than 2 requests per second \(burst 3\)/,
      );
    }
    expect(calls.filter((c) => c.outcome === 'rate_limited')).toHaveLength(2);
  });

  it('concurrency: at most max at once, queue more, refuse beyond the queue', async () => {
    const { p } = policy({ concurrency: { max: 2, queue: 3 } });
    let running = 0;
    let peak = 0;
    const release: Array<() => void> = [];
    const attempt = () =>
      new Promise<{ ok: true }>((resolve) => {
        running++;
        peak = Math.max(peak, running);
        release.push(() => {
          running--;
          resolve({ ok: true });
        });
      });
    const pending = Array.from({ length: 8 }, () => p.execute(call(), attempt).catch((e: unknown) => e));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(p.load).toEqual({ active: 2, queued: 3 });
    while (release.length || running) {
      release.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    const results = await Promise.all(pending);
    expect(peak).toBe(2);
    expect(results.filter((r) => r instanceof ConcurrencyLimitError)).toHaveLength(3);
    expect(results.filter((r) => (r as { ok?: boolean }).ok)).toHaveLength(5);
    expect(p.load).toEqual({ active: 0, queued: 0 });
  });
});

describe('BackendPolicy deadline and cancellation', () => {
  it('fails at the overall deadline and reports a timeout, also while the attempt still hangs', async () => {
    const { p } = policy({ deadlineMs: 50 });
    const started = Date.now();
    const error = await p.execute(call(), () => new Promise<never>(() => undefined)).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(45);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toContain('within 50ms');
  });

  it("gives an attempt what is left of the deadline as its timeout when that is less than the request's own", async () => {
    const { p } = policy({ deadlineMs: 300, concurrency: { max: 1, queue: 5 } });
    const given: Array<number | undefined> = [];
    let release: () => void = () => undefined;
    const first = p.execute(call({ timeoutMs: 100 }), (_signal, timeoutMs) => {
      given.push(timeoutMs);
      return new Promise((resolve) => (release = () => resolve({ first: true })));
    });
    const queuedAt = performance.now();
    let waitedMs = 0;
    const queued = p.execute(call({ timeoutMs: 1_000 }), (_signal, timeoutMs) => {
      waitedMs = performance.now() - queuedAt;
      given.push(timeoutMs);
      return Promise.resolve({ second: true });
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await expect(first).resolves.toEqual({ first: true });
    await expect(queued).resolves.toEqual({ second: true });
    // The first call's own 100 ms is within its deadline; the second gets its 300 ms less the wait for a slot.
    expect(given[0]).toBeUndefined();
    expect(waitedMs).toBeGreaterThanOrEqual(95);
    expect(given[1]).toBeGreaterThanOrEqual(300 - waitedMs - 2);
    expect(given[1]).toBeLessThanOrEqual(300 - waitedMs + 2);
  });

  it('a timeout reported once the deadline has passed names the deadline, not the request timeout', async () => {
    const { p } = policy({ deadlineMs: 40, retry: undefined });
    const error = await p
      .execute(
        call({ timeoutMs: 1_000 }),
        (_signal, timeoutMs) =>
          new Promise<never>((_resolve, reject) => setTimeout(() => reject(new Fault('timeout')), timeoutMs)),
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RequestTimeoutError);
    expect((error as Error).message).toContain('within 40ms');
  });

  it('a caller cancel is neither a failure nor a timeout, and leaves the breaker alone', async () => {
    const { p, calls } = policy({ breaker: { failureThreshold: 1, successThreshold: 1, resetTimeoutMs: 10_000 } });
    for (let i = 0; i < 3; i++) {
      const controller = new AbortController();
      const pending = p.execute(
        call({ signal: controller.signal }),
        (signal) =>
          new Promise<never>((_resolve, reject) =>
            signal?.addEventListener('abort', () => reject(new Fault('timeout'))),
          ),
      );
      controller.abort();
      await expect(pending).rejects.toBeInstanceOf(CallCancelledError);
    }
    expect(p.circuitState).toBe('closed');
    expect(calls.map((c) => c.outcome)).toEqual(['cancelled', 'cancelled', 'cancelled']);
  });

  it('a caller cancel while queued for a slot is a cancel, also without a deadline', async () => {
    const { p } = policy({ concurrency: { max: 1, queue: 5 } });
    let release: () => void = () => undefined;
    const first = p.execute(call(), () => new Promise((resolve) => (release = () => resolve({ first: true }))));
    const controller = new AbortController();
    const queued = p.execute(call({ deadline: false, signal: controller.signal }), failing().attempt);
    controller.abort();
    release();
    await expect(first).resolves.toEqual({ first: true });
    await expect(queued).rejects.toBeInstanceOf(CallCancelledError);
  });

  it('a call without a deadline (progress extends its timeout) still gets the caller signal', async () => {
    const { p } = policy({ deadlineMs: 10 });
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const slow = (signal: AbortSignal | undefined) => {
      seen = signal;
      return new Promise((resolve) => setTimeout(() => resolve({ done: true }), 40));
    };
    await expect(p.execute(call({ deadline: false, signal: controller.signal }), slow)).resolves.toEqual({
      done: true,
    });
    expect(seen).toBe(controller.signal);
  });

  it('health probes skip the rate limit and retries but feed the breaker', async () => {
    const { p, calls } = policy({
      rateLimit: { perSecond: 1, burst: 1 },
      breaker: { failureThreshold: 2, successThreshold: 1, resetTimeoutMs: 10_000 },
    });
    const probe = call({ method: 'ping', repeatable: true, probe: true, deadline: false });
    const first = failing('failed', 'failed');
    await expect(p.execute(probe, first.attempt)).rejects.toThrow('fault: failed');
    expect(first.count()).toBe(1);
    await expect(p.execute(probe, failing('failed').attempt)).rejects.toThrow('fault: failed');
    expect(p.circuitState).toBe('open');
    expect(calls.every((c) => c.probe)).toBe(true);
  });
});
