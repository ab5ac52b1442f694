import { describe, expect, it } from '@jest/globals';
import { TokenBucket } from './rate-limit.policy.js';

describe('TokenBucket', () => {
  it('grants a burst at once, then refills at the rate', () => {
    let now = 1_000;
    const bucket = new TokenBucket(4, 2, () => now);
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(250); // one token every 250ms at 4/s
    now += 100;
    expect(bucket.take()).toBe(150);
    now += 150;
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(250);
  });

  it('never holds more than the burst, however long it idles', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 3, () => now);
    now += 60_000;
    const granted = Array.from({ length: 5 }, () => bucket.take()).filter((wait) => wait === 0);
    expect(granted).toHaveLength(3);
  });

  it('handles fractional rates', () => {
    let now = 0;
    const bucket = new TokenBucket(0.5, 1, () => now);
    expect(bucket.take()).toBe(0);
    expect(bucket.take()).toBe(2000);
    now += 2000;
    expect(bucket.take()).toBe(0);
  });
});

describe('TokenBucket with a reserve', () => {
  it('grants only while the reserve stays in the bucket, and says how long until it would', () => {
    let now = 0;
    const bucket = new TokenBucket(10, 5, () => now);
    expect([bucket.take(3), bucket.take(3), bucket.take(3)]).toEqual([0, 0, 100]);
    expect(bucket.take()).toBe(0);
    now += 100;
    expect(bucket.take(3)).toBe(100);
  });
});
