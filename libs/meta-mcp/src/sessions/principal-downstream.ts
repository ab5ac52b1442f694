import type { ClientCapabilities, Result } from '@modelcontextprotocol/sdk/types.js';
import { callbackCapabilities, type DownstreamClient } from '@gateway/backends';
import type { SessionDownstream } from './session-downstream.js';

/**
 * With auth on, the sessions of one principal that declared the same callbacks share one backend connection of their
 * own (one person's ten sessions, one child process). A backend's sampling, elicitation or roots request goes to the
 * member with a call in flight (the newest such), else to the newest member; notifications reach every member. The
 * connection ends when the last member closes.
 */
export class PrincipalDownstream implements DownstreamClient {
  private readonly members: SessionDownstream[] = [];
  private readonly closeListeners: Array<() => void> = [];

  constructor(
    /** The key backends keep the connection under (named like a session id, as PerClientConnections expects). */
    readonly sessionId: string,
    readonly capabilities: ClientCapabilities,
    private readonly onEmpty: () => void,
  ) {}

  join(member: SessionDownstream): void {
    this.members.push(member);
    member.onClose(() => this.leave(member));
  }

  request(method: string, params: Record<string, unknown> | undefined, signal: AbortSignal): Promise<Result> {
    const target = this.members.findLast((member) => member.busy) ?? this.members.at(-1);
    if (!target) return Promise.reject(new Error('no client session of this principal is open'));
    return target.request(method, params, signal);
  }

  async notify(method: string, params: Record<string, unknown> | undefined): Promise<void> {
    await Promise.all(this.members.map((member) => member.notify(method, params).catch(() => undefined)));
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  private leave(member: SessionDownstream): void {
    const index = this.members.indexOf(member);
    if (index >= 0) this.members.splice(index, 1);
    if (this.members.length > 0) return;
    this.onEmpty();
    for (const listener of this.closeListeners.splice(0)) listener();
  }
}

/** The PrincipalDownstream of each principal and callback set. */
export class PrincipalDownstreams {
  private readonly groups = new Map<string, PrincipalDownstream>();
  private counter = 0;

  join(principal: string, member: SessionDownstream): PrincipalDownstream {
    const callbacks = callbackCapabilities(member.capabilities);
    const key = `${principal}\u0000${JSON.stringify(callbacks)}`;
    let group = this.groups.get(key);
    if (!group) {
      const created = new PrincipalDownstream(`principal-${++this.counter}:${principal}`, callbacks, () => {
        if (this.groups.get(key) === created) this.groups.delete(key);
      });
      this.groups.set(key, created);
      group = created;
    }
    group.join(member);
    return group;
  }
}
