import { describe, expect, it, jest } from '@jest/globals';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import type { GatewayConfig } from '@gateway/config';
import type { GatewayMetrics } from '@gateway/metrics';
import { BackendHealthChecker } from './backend-health-checker.service.js';
import type { Backend } from './backend.js';
import type { BackendRegistry } from './backend-registry.service.js';

const TIMEOUT_MS = 50;

function setup(ping: () => Promise<void>, timeoutMs = TIMEOUT_MS) {
  const recycle = jest.fn(async () => undefined);
  const activity = { receiving: false, lastReceivedAt: 0 };
  const backend = {
    name: 'b',
    state: 'ready',
    activity,
    config: { kind: 'stdio' },
    ping,
    recycle,
  } as unknown as Backend;
  const config = {
    failsafe: { health_check: { enabled: true, interval: 1000, timeout: timeoutMs } },
  } as GatewayConfig;
  const metrics = { recordHealthCheck: jest.fn() } as unknown as GatewayMetrics;
  const checker = new BackendHealthChecker({} as BackendRegistry, config, metrics);
  return { checker, backend, recycle, activity };
}

const timeout = () => new McpError(ErrorCode.RequestTimeout, 'Request timed out');

/** A ping whose timeout fires after the gateway's own event loop was blocked for `blockMs`. */
function timedOutPing(blockMs: number): () => Promise<void> {
  return () =>
    new Promise((_, reject) => {
      setTimeout(() => reject(timeout()), TIMEOUT_MS);
      const until = Date.now() + blockMs;
      while (Date.now() < until) {
        // the gateway's own event loop is stalled (a large message being parsed, a loaded machine)
      }
    });
}

describe('BackendHealthChecker.check', () => {
  it('restarts a stdio backend after two pings in a row time out on time', async () => {
    // The timeout comes at once, far within a long health-check timeout: on time however busy the machine is.
    const { checker, backend, recycle } = setup(() => Promise.reject(timeout()), 60_000);
    expect(await checker.check(backend)).toBe('failure');
    expect(recycle).not.toHaveBeenCalled();
    expect(await checker.check(backend)).toBe('failure');
    expect(recycle).toHaveBeenCalledTimes(1);
  });

  it('a timeout whose timer fired late measured the gateway stall, not the backend: no failure, no restart', async () => {
    const { checker, backend, recycle } = setup(timedOutPing(4 * TIMEOUT_MS));
    expect(await checker.check(backend)).toBe('skipped');
    expect(await checker.check(backend)).toBe('skipped');
    expect(recycle).not.toHaveBeenCalled();
  });

  it('an answer already waiting when the timer fires counts: the backend spoke after the ping was sent', async () => {
    const state: { activity?: { lastReceivedAt: number } } = {};
    const { checker, backend, recycle, activity } = setup(
      () =>
        new Promise((_, reject) => {
          setTimeout(() => {
            reject(timeout());
            // The reply is read in the same turn, after the timer: as after an event-loop stall.
            setImmediate(() => (state.activity!.lastReceivedAt = Date.now()));
          }, TIMEOUT_MS);
        }),
    );
    state.activity = activity;
    expect(await checker.check(backend)).toBe('ok');
    expect(await checker.check(backend)).toBe('ok');
    expect(recycle).not.toHaveBeenCalled();
  });

  it('does not ping a backend in the middle of sending a message', async () => {
    const ping = jest.fn(async () => undefined);
    const { checker, backend, activity } = setup(ping);
    activity.receiving = true;
    expect(await checker.check(backend)).toBe('skipped');
    expect(ping).not.toHaveBeenCalled();
  });
});
