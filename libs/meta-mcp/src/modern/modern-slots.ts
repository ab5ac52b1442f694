import { Injectable } from '@nestjs/common';
import type { ClientCapabilities, Result } from '@modelcontextprotocol/sdk/types.js';
import { callbackCapabilities, type DownstreamClient } from '@gateway/backends';
import { ListenHub } from './listen-hub.service.js';

/** The part of a modern call a backend connection talks to while the call holds it. */
export interface SlotHolder {
  ask(method: string, params: Record<string, unknown> | undefined, signal: AbortSignal): Promise<Result>;
  notify(method: string, params: Record<string, unknown> | undefined): void;
}

/**
 * A backend connection of modern clients that can answer callbacks, as the backends see it: it advertises their
 * callback capabilities, and it serves one call at a time, so a legacy backend's sampling, elicitation or roots
 * request on it belongs to exactly that call. Between calls the connection stays (its backend keeps its state, as a
 * session's own connection does) until `client_connection_idle` closes it.
 */
export class ModernSlot implements DownstreamClient {
  readonly era = 'modern' as const;
  holder?: SlotHolder;

  constructor(
    readonly sessionId: string,
    readonly capabilities: ClientCapabilities,
    /** `/mcp` or the backend of `/mcp/{backend}`: calls on one route share a slot's connections. */
    readonly route: string,
    readonly owner: string | undefined,
    private readonly listen: ListenHub,
  ) {}

  request(method: string, params: Record<string, unknown> | undefined, signal: AbortSignal): Promise<Result> {
    if (!this.holder) return Promise.reject(new Error(`no modern client call is waiting for ${method} here`));
    return this.holder.ask(method, params, signal);
  }

  /** Log messages go with the call holding the slot; list changes and resource updates to the owner's listen streams. */
  notify(method: string, params: Record<string, unknown> | undefined): Promise<void> {
    if (method === 'notifications/message') this.holder?.notify(method, params);
    else this.listen.fromOwnConnection(this.route, this.owner, method, params);
    return Promise.resolve();
  }

  /** A slot outlives its calls; its connection ends by idleness (or with the gateway). */
  onClose(): void {}
}

/**
 * The slots of modern clients by route, principal (none with auth off) and callback capabilities. A call takes the first
 * free slot and gives it back when it ends: one client's sequential calls reach the same backend connection (and
 * state), concurrent calls each get their own, and no principal's calls ever use another principal's connection.
 */
@Injectable()
export class ModernSlots {
  private readonly pools = new Map<string, ModernSlot[]>();
  private counter = 0;

  constructor(private readonly listen: ListenHub) {}

  take(route: string, principal: string | undefined, capabilities: ClientCapabilities, holder: SlotHolder): ModernSlot {
    const callbacks = callbackCapabilities(capabilities);
    const key = `${route}\u0000${principal ?? ''}\u0000${JSON.stringify(callbacks)}`;
    const pool = this.pools.get(key) ?? [];
    this.pools.set(key, pool);
    let slot = pool.find((candidate) => !candidate.holder);
    if (!slot) {
      const id = `modern-${++this.counter}${principal ? `:${principal}` : ''}`;
      slot = new ModernSlot(id, callbacks, route, principal, this.listen);
      pool.push(slot);
    }
    slot.holder = holder;
    return slot;
  }

  give(slot: ModernSlot, holder: SlotHolder): void {
    if (slot.holder === holder) slot.holder = undefined;
  }
}
