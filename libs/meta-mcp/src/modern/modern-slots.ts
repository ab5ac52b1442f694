import { Injectable } from '@nestjs/common';
import type { ClientCapabilities, Result } from '@modelcontextprotocol/sdk/types.js';
import { callbackCapabilities, type DownstreamClient } from '@gateway/backends';
import { ListenHub } from './listen-hub.service.js';

/** The part of a modern call a backend connection talks to while the call uses it. */
export interface SlotHolder {
  /** Whether this call can be asked `method` now (its method allows input_required, its client declared it). */
  mayAsk(method: string): boolean;
  ask(method: string, params: Record<string, unknown> | undefined, signal: AbortSignal): Promise<Result>;
  notify(method: string, params: Record<string, unknown> | undefined): void;
}

/**
 * A backend connection of one modern client (by route, principal with auth on, the client's self-reported name and
 * its callback capabilities), as the backends see it: it advertises those capabilities, and the backend keeps its
 * state there between the client's calls, as it does for a legacy session's own connection. A backend's sampling,
 * elicitation or roots request goes to the newest call on it that can be asked (as with one principal's sessions);
 * log messages to every call on it (each keeps what its own log level wants). Unused for `client_connection_idle`,
 * the connection closes; the slot opens a new one on its next call.
 */
export class ModernSlot implements DownstreamClient {
  readonly era = 'modern' as const;
  readonly holders: SlotHolder[] = [];

  constructor(
    readonly sessionId: string,
    readonly capabilities: ClientCapabilities,
    /** `/mcp` or the backend of `/mcp/{backend}`. */
    readonly route: string,
    readonly owner: string | undefined,
    private readonly listen: ListenHub,
  ) {}

  request(method: string, params: Record<string, unknown> | undefined, signal: AbortSignal): Promise<Result> {
    const holder = this.holders.findLast((candidate) => candidate.mayAsk(method));
    if (!holder) {
      return Promise.reject(
        new Error(`no call of this client can answer ${method} now (tools/call, prompts/get or resources/read only)`),
      );
    }
    return holder.ask(method, params, signal);
  }

  /** Log messages go with the calls on it; list changes and resource updates to the owner's listen streams. */
  notify(method: string, params: Record<string, unknown> | undefined): Promise<void> {
    if (method === 'notifications/message') for (const holder of this.holders) holder.notify(method, params);
    else this.listen.fromOwnConnection(this.route, this.owner, method, params);
    return Promise.resolve();
  }

  /** A slot outlives its calls; its connection ends by idleness (or with the gateway). */
  onClose(): void {}
}

/** The slot of each modern client (see ModernSlot); calls join it while they run. */
@Injectable()
export class ModernSlots {
  private readonly slots = new Map<string, ModernSlot>();
  private counter = 0;

  constructor(private readonly listen: ListenHub) {}

  take(
    route: string,
    principal: string | undefined,
    client: string,
    capabilities: ClientCapabilities,
    holder: SlotHolder,
  ): ModernSlot {
    const callbacks = callbackCapabilities(capabilities);
    const key = JSON.stringify([route, principal ?? null, client, callbacks]);
    let slot = this.slots.get(key);
    if (!slot) {
      const id = `modern-${++this.counter}${principal ? `:${principal}` : ''}`;
      slot = new ModernSlot(id, callbacks, route, principal, this.listen);
      this.slots.set(key, slot);
    }
    slot.holders.push(holder);
    return slot;
  }

  give(slot: ModernSlot, holder: SlotHolder): void {
    const index = slot.holders.indexOf(holder);
    if (index >= 0) slot.holders.splice(index, 1);
  }
}
