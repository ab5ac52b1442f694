import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BackendRegistry } from './backend-registry.service.js';
import type { Backend } from './backend.js';

const MIN_CHECK_MS = 50;
const MAX_CHECK_MS = 5000;

/**
 * Stops a stdio backend idle for its `idle_timeout` (> 0), never while a request is in flight. Its catalog stays,
 * so search keeps finding its tools, and the next request starts it again (Backend.start on use).
 */
@Injectable()
export class IdleHibernator implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly timers = new Map<Backend, NodeJS.Timeout>();
  private readonly readySince = new Map<string, number>();

  constructor(private readonly registry: BackendRegistry) {}

  onApplicationBootstrap(): void {
    this.registry.watch(
      (backend) => this.watch(backend),
      (backend) => {
        clearInterval(this.timers.get(backend));
        this.timers.delete(backend);
        this.readySince.delete(backend.name);
      },
    );
  }

  private watch(backend: Backend): void {
    const idleMs = backend.config.idle_timeout;
    if (backend.config.kind !== 'stdio' || idleMs <= 0) return;
    backend.on('state', (state) => {
      if (state === 'ready') this.readySince.set(backend.name, Date.now());
    });
    if (backend.state === 'ready') this.readySince.set(backend.name, Date.now());
    const every = Math.min(MAX_CHECK_MS, Math.max(MIN_CHECK_MS, Math.floor(idleMs / 4)));
    const timer = setInterval(() => void this.check(backend, idleMs), every);
    timer.unref();
    this.timers.set(backend, timer);
  }

  onApplicationShutdown(): void {
    for (const timer of this.timers.values()) clearInterval(timer);
    this.timers.clear();
  }

  private async check(backend: Backend, idleMs: number): Promise<void> {
    if (backend.state !== 'ready' || backend.inFlight > 0) return;
    const idleSince = Math.max(backend.lastUsedAt, this.readySince.get(backend.name) ?? Date.now());
    if (Date.now() - idleSince < idleMs) return;
    await backend.hibernate();
  }
}
