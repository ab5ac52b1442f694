import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { GatewayConfig } from '@gateway/config';
import { GatewayMetrics } from '@gateway/metrics';
import { classifyCallFailure } from '@gateway/resilience';
import { BackendRegistry } from './backend-registry.service.js';
import type { Backend } from './backend.js';
import { describe } from './backend-errors.js';
import { classifyFailure } from './failure-classifier.js';

/** Ping timeouts in a row after which a stdio backend is restarted: its process no longer answers at all. */
const STUCK_AFTER_TIMEOUTS = 2;
// A ping timeout is the backend's only if its timer fired within this factor of the timeout.
const LATE_TIMER_FACTOR = 2;
const JITTER = 0.2;

/**
 * Pings every running backend each `failsafe.health_check.interval` (+-20% jitter per tick, so checks never fall
 * into step with the breaker's reset timeout or with each other). A ping goes through the breaker: failures count,
 * and after the reset timeout a ping is the trial request that can close it. A stdio backend that stops answering
 * pings is restarted (the registry reconnects with backoff); a sleeping or failed backend is not pinged.
 */
@Injectable()
export class BackendHealthChecker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(BackendHealthChecker.name);
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly timeouts = new Map<string, number>();
  private stopped = false;

  constructor(
    private readonly registry: BackendRegistry,
    private readonly config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.failsafe.health_check.enabled) return;
    this.registry.watch(
      (backend) => this.schedule(backend),
      (backend) => {
        clearTimeout(this.timers.get(backend.name));
        this.timers.delete(backend.name);
      },
    );
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }

  /**
   * One health check now; exposed for tests and for callers that need a fresh answer. A backend in the middle of
   * sending a message is alive: a ping would only queue behind that message, so none is sent; and a ping that timed
   * out while data kept arriving waited behind it, which is no sign of a stuck process.
   */
  async check(backend: Backend): Promise<'ok' | 'failure' | 'skipped'> {
    if (backend.state !== 'ready') return 'skipped';
    if (backend.activity?.receiving) return this.record(backend, 'skipped');
    const sentAt = Date.now();
    try {
      await backend.ping(this.config.failsafe.health_check.timeout);
      this.timeouts.delete(backend.name);
      return this.record(backend, 'ok');
    } catch (error) {
      const failure = classifyCallFailure(error, classifyFailure);
      // A policy (the open circuit) refused the ping unsent: nothing was learnt.
      if (failure.kind === 'refused') return this.record(backend, 'skipped');
      if (failure.kind === 'timeout') {
        // After a stall of the gateway's own event loop the timeout's timer runs before the I/O that carries the
        // answer: let pending input be read first, then look at what arrived.
        await new Promise((resolve) => setImmediate(resolve));
        if ((backend.activity?.lastReceivedAt ?? 0) >= sentAt) {
          this.timeouts.delete(backend.name);
          return this.record(backend, 'ok');
        }
        // A timer that fired far later than due measured the gateway's own stall, not the backend.
        if (Date.now() - sentAt > LATE_TIMER_FACTOR * this.config.failsafe.health_check.timeout) {
          return this.record(backend, 'skipped');
        }
      }
      this.metrics.recordHealthCheck(backend.name, 'failure');
      this.logger.warn(`backend ${backend.name}: health check failed: ${describe(error)}`);
      if (failure.kind === 'timeout') await this.restartIfStuck(backend);
      return 'failure';
    }
  }

  private record(backend: Backend, outcome: 'ok' | 'skipped'): 'ok' | 'skipped' {
    this.metrics.recordHealthCheck(backend.name, outcome);
    return outcome;
  }

  private async restartIfStuck(backend: Backend): Promise<void> {
    if (backend.config.kind !== 'stdio') return;
    const count = (this.timeouts.get(backend.name) ?? 0) + 1;
    this.timeouts.set(backend.name, count);
    if (count < STUCK_AFTER_TIMEOUTS) return;
    this.timeouts.delete(backend.name);
    this.logger.warn(`backend ${backend.name}: no answer to ${count} pings in a row; restarting it`);
    await backend.recycle(`no answer to ${count} health-check pings`);
  }

  private schedule(backend: Backend): void {
    // Stopped, or removed by a reload (its successor, if any, has its own schedule).
    if (this.stopped || this.registry.find(backend.name) !== backend) return;
    const interval = this.config.failsafe.health_check.interval;
    const delay = Math.round(interval * (1 - JITTER + Math.random() * 2 * JITTER));
    const timer = setTimeout(() => {
      void this.check(backend).finally(() => this.schedule(backend));
    }, delay);
    timer.unref();
    this.timers.set(backend.name, timer);
  }
}
