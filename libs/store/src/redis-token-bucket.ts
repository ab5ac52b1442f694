import { Injectable } from '@nestjs/common';
import { RedisConnection } from './redis.connection.js';

/**
 * One token bucket per key, shared by every replica: refill and take in one Lua script on Redis's clock, so
 * replicas whose clocks differ still agree. KEYS[1] the bucket; ARGV: tokens per second, burst, tokens to take.
 * Returns {taken (1/0), tokens left (x1000), ms until `take` tokens are there}.
 */
const TAKE = `
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local take = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) * rate / 1000)
local taken = 0
local wait = 0
if tokens >= take then
  tokens = tokens - take
  taken = 1
else
  wait = math.ceil((take - tokens) * 1000 / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(burst * 1000 / rate) + 1000)
return {taken, math.floor(tokens * 1000), wait}
`;

export interface BucketTake {
  readonly taken: boolean;
  /** Tokens left after this take. */
  readonly tokens: number;
  /** Milliseconds until the tokens asked for are there (0 when taken). */
  readonly waitMs: number;
}

@Injectable()
export class RedisTokenBucket {
  constructor(private readonly redis: RedisConnection) {}

  /** undefined when Redis cannot answer in time: the caller uses its own bucket. */
  async take(key: string, perSecond: number, burst: number, count = 1): Promise<BucketTake | undefined> {
    const reply = await this.redis.run('EVAL token bucket', (redis) =>
      redis.eval(TAKE, 1, this.redis.key('bucket', key), perSecond, burst, count),
    );
    if (!Array.isArray(reply)) return undefined;
    const [taken, tokens, wait] = reply as number[];
    return { taken: taken === 1, tokens: tokens / 1000, waitMs: wait };
  }
}
