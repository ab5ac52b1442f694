import { describe, expect, it } from '@jest/globals';
import { FairRateLimit } from './fair-rate-limit.policy.js';

/** Runs `ms` milliseconds of traffic: `flood` tries every millisecond, each of `modest` every `everyMs`. */
function simulate(limit: FairRateLimit, clock: { now: number }, ms: number, everyMs: number, modest: string[]) {
  const granted = new Map<string, number>();
  const refused = new Map<string, number>();
  const count = (map: Map<string, number>, client: string) => map.set(client, (map.get(client) ?? 0) + 1);
  for (let t = 0; t < ms; t++) {
    clock.now += 1;
    if (t % everyMs === 0) {
      for (const client of modest) count(limit.take(client) === 0 ? granted : refused, client);
    }
    count(limit.take('flood') === 0 ? granted : refused, 'flood');
  }
  return {
    granted: (client: string) => granted.get(client) ?? 0,
    refused: (client: string) => refused.get(client) ?? 0,
  };
}

describe('FairRateLimit', () => {
  it('gives a lone client the whole limit: the burst at once, then the rate', () => {
    const clock = { now: 0 };
    const limit = new FairRateLimit(4, 2, () => clock.now);
    expect([limit.take('a'), limit.take('a'), limit.take('a')]).toEqual([0, 0, 250]);
    clock.now += 250;
    expect(limit.take('a')).toBe(0);
  });

  it('keeps serving a modest client while another floods, and the total still holds', () => {
    const clock = { now: 0 };
    const limit = new FairRateLimit(20, 10, () => clock.now);
    // The modest clients call first, then every 250 ms (4/s each, under their share of 20/3).
    const run = simulate(limit, clock, 10_000, 250, ['modest-1', 'modest-2']);
    for (const client of ['modest-1', 'modest-2']) {
      expect(run.refused(client)).toBe(0);
      expect(run.granted(client)).toBe(40);
    }
    // The flood gets the rest of the limit (20/s minus 8/s), not more, and never more than the total.
    const total = run.granted('flood') + 80;
    expect(total).toBeLessThanOrEqual(20 * 10 + 10);
    expect(run.granted('flood')).toBeGreaterThanOrEqual(110);
    expect(run.refused('flood')).toBeGreaterThan(9000);
  });

  it('gives a flood the whole limit again once the others have been gone a minute', () => {
    const clock = { now: 0 };
    const limit = new FairRateLimit(10, 10, () => clock.now);
    expect(limit.take('other')).toBe(0);
    clock.now += 61_000;
    // The bucket is full; the flood may drain all of it, with no share kept for a client that left.
    const granted = Array.from({ length: 12 }, () => limit.take('flood')).filter((wait) => wait === 0);
    expect(granted).toHaveLength(10);
  });

  it('keeps the other clients’ bursts in the bucket while they are around', () => {
    const clock = { now: 0 };
    const limit = new FairRateLimit(10, 10, () => clock.now);
    expect(limit.take('other')).toBe(0);
    // Two clients: a share of 5 at once each. The flood takes its 5, and no more from what is kept for the other.
    const granted = Array.from({ length: 12 }, () => limit.take('flood')).filter((wait) => wait === 0);
    expect(granted).toHaveLength(5);
    expect(limit.take('other')).toBe(0);
  });

  it("counts the gateway's own calls against the total only", () => {
    const clock = { now: 0 };
    const limit = new FairRateLimit(1, 3, () => clock.now);
    expect([limit.take(), limit.take(), limit.take(), limit.take()]).toEqual([0, 0, 0, 1000]);
  });
});
