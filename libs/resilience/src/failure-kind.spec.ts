import { describe, expect, it } from '@jest/globals';
import { classifyCallFailure, type FailureClass, type FailureKind } from './failure-kind.js';
import {
  CallCancelledError,
  CircuitOpenError,
  ConcurrencyLimitError,
  NotRetriedError,
  RateLimitedError,
  RequestRejectedError,
  RequestTimeoutError,
} from './resilience-errors.js';

/** A backend error whose kind the backends lib would report as `kind`. */
class Backend extends Error {
  constructor(readonly kind: FailureKind) {
    super(kind);
  }
}
const classify = (error: unknown) => (error as Backend).kind;

describe('classifyCallFailure: one classification for retry, breaker, outcome and health', () => {
  it.each<[FailureKind, boolean, FailureClass]>([
    ['answered', false, { kind: 'answered', retryable: false, outcome: 'error', breaker: 'success' }],
    ['unsent', false, { kind: 'unsent', retryable: true, outcome: 'failure', breaker: 'failure' }],
    ['failed', false, { kind: 'failed', retryable: false, outcome: 'failure', breaker: 'failure' }],
    ['failed', true, { kind: 'failed', retryable: true, outcome: 'failure', breaker: 'failure' }],
    ['timeout', true, { kind: 'timeout', retryable: false, outcome: 'timeout', breaker: 'failure' }],
    ['rejected', true, { kind: 'rejected', retryable: false, outcome: 'error', breaker: 'neutral' }],
  ])("a backend's %s failure (repeatable %s)", (kind, repeatable, expected) => {
    expect(classifyCallFailure(new Backend(kind), classify, repeatable)).toEqual(expected);
  });

  it.each([
    [new CircuitOpenError('b', 100, 'opened', undefined), 'refused', 'circuit_open', 'neutral'],
    [new RateLimitedError('b', 100, 1, 1), 'refused', 'rate_limited', 'neutral'],
    [new ConcurrencyLimitError('b', 1, 1), 'refused', 'concurrency_limited', 'neutral'],
    [new RequestTimeoutError('b', 'tools/call', 100), 'timeout', 'timeout', 'failure'],
    [new NotRetriedError('b', 'tools/call', 'reset', undefined), 'failed', 'failure', 'neutral'],
    [new RequestRejectedError('b', 'tools/call', new RangeError('deep')), 'rejected', 'error', 'neutral'],
    [new CallCancelledError('b', 'tools/call'), 'cancelled', 'cancelled', 'neutral'],
  ])("the gateway's own %p knows its class, whatever the backend classifier says", (error, kind, outcome, breaker) => {
    const never = () => {
      throw new Error('not asked');
    };
    expect(classifyCallFailure(error, never, true)).toEqual({ kind, retryable: false, outcome, breaker });
  });
});
