import { createHash } from 'node:crypto';
import { Injectable, Optional } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { RateLimitedError } from '@cleave/contracts/kernel/errors';
import { RedisConnections } from '@cleave/platform/redis';
import { orUncounted } from './fail-open';
import { RateLimitSettings } from './rate-limit.settings';

/** What is remembered of one email's failed logins. */
interface Attempts {
  failures: number;
  blockedUntil: number;
}

/**
 * A failure: count it, and past the free ones block for base * 2^(extra - 1), capped; the
 * record lives as long as the longest wait. Answers the time blocked until (ms since epoch).
 */
const FAIL = `
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local extra = failures - tonumber(ARGV[2])
local until_ = 0
if extra > 0 then
  local wait = math.min(tonumber(ARGV[3]) * 2 ^ math.min(extra - 1, 40), tonumber(ARGV[4]))
  until_ = tonumber(ARGV[1]) + wait
  redis.call('HSET', KEYS[1], 'blockedUntil', until_)
end
redis.call('PEXPIRE', KEYS[1], ARGV[4])
return until_
`;

const MEMORY_ENTRIES = 100_000;

/**
 * Failed logins per account, with a growing wait: after CLEAVE_LOGIN_FREE_FAILURES failures
 * for one email, each further one makes the next attempt wait twice as long (from
 * CLEAVE_LOGIN_BACKOFF up to CLEAVE_LOGIN_BACKOFF_MAX), even with the right password. Counted
 * by email whether or not an account has it, so the answers never tell which emails exist.
 * In memory in one process; in Redis, shared by every gateway, when split.
 */
@Injectable()
export class LoginAttempts {
  private readonly memory = new LRUCache<string, Attempts>({ max: MEMORY_ENTRIES });

  constructor(
    private readonly settings: RateLimitSettings,
    @Optional() private readonly redis?: RedisConnections,
  ) {}

  /** Throws 429 while the email must wait. */
  async refuseWhileBlocked(email: string): Promise<void> {
    const blockedUntil = await this.blockedUntil(keyOf(email));
    const waitMs = blockedUntil - Date.now();
    if (waitMs > 0) {
      const retryAfterSeconds = Math.ceil(waitMs / 1000);
      throw new RateLimitedError(`Too many failed logins for this email: try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
    }
  }

  async failed(email: string): Promise<void> {
    const key = keyOf(email);
    const { loginFreeFailures, loginBackoffMs, loginBackoffMaxMs } = this.settings;
    if (this.redis) {
      await orUncounted(this.redis.command.eval(FAIL, 1, this.redisKey(key), Date.now(), loginFreeFailures, loginBackoffMs, loginBackoffMaxMs), undefined);
      return;
    }
    const attempts = this.memory.get(key) ?? { failures: 0, blockedUntil: 0 };
    attempts.failures++;
    const extra = attempts.failures - loginFreeFailures;
    if (extra > 0) attempts.blockedUntil = Date.now() + Math.min(loginBackoffMs * 2 ** Math.min(extra - 1, 40), loginBackoffMaxMs);
    this.memory.set(key, attempts, { ttl: loginBackoffMaxMs });
  }

  async succeeded(email: string): Promise<void> {
    const key = keyOf(email);
    if (this.redis) await orUncounted(this.redis.command.del(this.redisKey(key)), 0);
    else this.memory.delete(key);
  }

  private async blockedUntil(key: string): Promise<number> {
    if (!this.redis) return this.memory.get(key)?.blockedUntil ?? 0;
    return Number((await orUncounted(this.redis.command.hget(this.redisKey(key), 'blockedUntil'), null)) ?? 0);
  }

  private redisKey(key: string): string {
    return `${this.redis!.keys.prefix}:{login:${key}}`;
  }
}

/** The email as the users module compares it (case-insensitive), hashed: no address rests in Redis. */
function keyOf(email: string): string {
  return createHash('sha256').update(email.trim().toLowerCase()).digest('hex').slice(0, 32);
}
