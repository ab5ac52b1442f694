import { TokenBucket } from './rate-limit.policy.js';

interface ClientShare {
  tokens: number;
  updatedAt: number;
  seenAt: number;
}

/** How long a client counts after its last call (refused ones included): it may be back at any moment. */
const KNOWN_FOR_MS = 60_000;

/**
 * A backend's rate limit shared fairly between its clients (MCP sessions). The backend's one token bucket still
 * bounds the total. Within it, each of the n clients seen in the last minute has a share: perSecond / n, with
 * burst / n at once. Within its share a client takes tokens freely; beyond it, only what lies above the other
 * clients' bursts, which stay in the bucket for them. So a lone client gets the whole limit, a flooding client gets
 * what the others leave, and a client with modest traffic is not refused because another one floods. Calls of the
 * gateway itself (no client) take from the total only.
 */
export class FairRateLimit {
  private readonly total: TokenBucket;
  private readonly clients = new Map<string, ClientShare>();
  private sweptAt: number;

  constructor(
    readonly perSecond: number,
    readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.total = new TokenBucket(perSecond, burst, now);
    this.sweptAt = now();
  }

  /** Takes a token for `client`: 0 when granted, otherwise the milliseconds to wait (nothing is taken). */
  take(client?: string): number {
    if (client === undefined) return this.total.take();
    const now = this.now();
    this.sweep(now);
    let share = this.clients.get(client);
    const n = this.clients.size + (share ? 0 : 1);
    const shareBurst = Math.max(1, this.burst / n);
    if (!share) {
      share = { tokens: shareBurst, updatedAt: now, seenAt: now };
      this.clients.set(client, share);
    } else {
      const refill = ((now - share.updatedAt) * this.perSecond) / n / 1000;
      share.tokens = Math.min(shareBurst, share.tokens + refill);
      share.updatedAt = now;
      share.seenAt = now;
    }
    const withinShare = share.tokens >= 1;
    const reserve = withinShare ? 0 : Math.min(this.burst - 1, (n - 1) * shareBurst);
    const waitMs = this.total.take(reserve);
    if (waitMs === 0 && withinShare) share.tokens -= 1;
    return waitMs;
  }

  /** Clients not seen for a minute are forgotten, at most once a second. */
  private sweep(now: number): void {
    if (now - this.sweptAt < 1000) return;
    this.sweptAt = now;
    for (const [client, share] of this.clients) if (now - share.seenAt > KNOWN_FOR_MS) this.clients.delete(client);
  }
}
