import { Injectable, type OnApplicationShutdown } from '@nestjs/common';

/**
 * A modern client's call that is waiting for the client's retry: a legacy backend asked the client something
 * (sampling, elicitation, roots), the client got an `input_required` result, and the backend's request is parked.
 */
export interface ParkedCall {
  /** What the gateway's `requestState` names. */
  readonly id: string;
  /** The principal that made the call (auth on): another principal's retry finds nothing. */
  readonly owner?: string;
  /** The retry repeats the call's method. */
  readonly method: string;
}

/**
 * Where parked calls wait between a client's request and its retry: in the process running the call (and its
 * backend connection). With several replicas, a retry reaching another one is relayed here (InputRequiredRelay).
 */
export interface InputRequiredStore {
  /** Keeps `call` until take() or until `ttlMs` passes, when `onExpired` runs (and take() finds nothing). */
  park(call: ParkedCall, ttlMs: number, onExpired: () => void): void;
  /** The parked call with this id, still parked (to check a retry before taking it). */
  peek<T extends ParkedCall>(id: string): T | undefined;
  /** Takes the call back for its retry: it is no longer parked and will not expire. */
  take<T extends ParkedCall>(id: string): T | undefined;
  readonly size: number;
}
export const InputRequiredStore = Symbol('InputRequiredStore');

interface Entry {
  readonly call: ParkedCall;
  readonly timer: NodeJS.Timeout;
}

@Injectable()
export class InMemoryInputRequiredStore implements InputRequiredStore, OnApplicationShutdown {
  private readonly entries = new Map<string, Entry>();

  get size(): number {
    return this.entries.size;
  }

  park(call: ParkedCall, ttlMs: number, onExpired: () => void): void {
    const timer = setTimeout(() => {
      if (this.entries.get(call.id)?.call !== call) return;
      this.entries.delete(call.id);
      onExpired();
    }, ttlMs);
    timer.unref();
    this.entries.set(call.id, { call, timer });
  }

  peek<T extends ParkedCall>(id: string): T | undefined {
    return this.entries.get(id)?.call as T | undefined;
  }

  take<T extends ParkedCall>(id: string): T | undefined {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    this.entries.delete(id);
    return entry.call as T;
  }

  onApplicationShutdown(): void {
    for (const entry of this.entries.values()) clearTimeout(entry.timer);
    this.entries.clear();
  }
}
