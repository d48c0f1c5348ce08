import { ThrottlerStorage } from '@nestjs/throttler';
import { RedisConnections } from '@cleave/platform/redis';
import { orUncounted } from './fail-open';

type ThrottlerStorageRecord = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * One script, so a hit and its block are counted atomically however many gateways share
 * the counter: INCR the window's hits (starting its expiry on the first), and once past the
 * limit set the block for its duration.
 */
const INCREMENT = `
local hits = redis.call('INCR', KEYS[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
local blocked = redis.call('PTTL', KEYS[2])
if blocked <= 0 and hits > tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], 1, 'PX', ARGV[3])
  blocked = tonumber(ARGV[3])
end
return { hits, ttl, blocked }
`;

/**
 * @nestjs/throttler's counters in Redis, shared by every gateway instance of a split system.
 * Hand-written rather than @nest-lab/throttler-storage-redis (whose script this follows):
 * that library names its keys `{<key>:<name>}:hits`, outside the process's key prefix, so test
 * runs and tenants sharing a Redis would share counters and a prefix scan would not find
 * them. Here both keys of a counter sit under `<prefix>:{rl:<key>}`, one hash slot.
 */
export class RedisThrottlerStorage implements ThrottlerStorage {
  constructor(private readonly redis: RedisConnections) {}

  async increment(key: string, ttlMs: number, limit: number, blockMs: number, throttlerName: string): Promise<ThrottlerStorageRecord> {
    const base = `${this.redis.keys.prefix}:{rl:${throttlerName}:${key}}`;
    const counted = this.redis.command.eval(INCREMENT, 2, `${base}:hits`, `${base}:blocked`, ttlMs, limit, blockMs) as Promise<[number, number, number]>;
    const [hits, ttl, blocked] = await orUncounted(counted, [0, ttlMs, 0]);
    return {
      totalHits: hits,
      timeToExpire: Math.ceil(ttl / 1000),
      isBlocked: blocked > 0,
      timeToBlockExpire: Math.max(0, Math.ceil(blocked / 1000)),
    };
  }
}
