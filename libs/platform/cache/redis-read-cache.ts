import { getValues, RedisConnection } from '@cleave/platform/redis';
import { Logger } from '@nestjs/common';
import { INVALIDATED, ReadCache, ReadCacheLimits } from './read-cache';
import { CacheMetrics } from './cache.metrics';

export interface RedisReadCacheOptions extends ReadCacheLimits {
  /** Prefix of every key, e.g. `cleave:cache:catalog:`. */
  keyPrefix: string;
  /** A read slower than this counts as an error and falls through to the database. */
  readTimeoutMs: number;
  /** How long a write waits for its invalidation to reach Redis before going on without it. */
  invalidateTimeoutMs: number;
}

/**
 * The cache of a split topology, shared by every instance of the module (an invalidation
 * made by one is seen by all), on the process's command connection. Reads are bounded:
 * Redis down or slow is a miss counted as an error, never a failed read. A failed
 * invalidation is logged; the value it should have removed lives at most the TTL.
 */
export class RedisReadCache extends ReadCache {
  readonly kind = 'redis' as const;
  private readonly logger = new Logger('ReadCache');
  private lastWarning = 0;

  constructor(
    private readonly redis: RedisConnection,
    private readonly options: RedisReadCacheOptions,
    private readonly metrics: CacheMetrics,
  ) {
    super();
  }

  async getMany<T>(keys: readonly string[]): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    if (!keys.length) return found;
    let raw: (string | null)[];
    try {
      raw = await bounded(getValues(this.redis, keys.map((k) => this.key(k))), this.options.readTimeoutMs);
    } catch (error) {
      this.metrics.count('error', keys.length);
      this.warn(`read failed, using the database: ${(error as Error).message}`);
      return found;
    }
    keys.forEach((key, i) => {
      const value = raw[i];
      if (value === null || value === undefined || value === INVALIDATED) return;
      try {
        found.set(key, JSON.parse(value) as T);
      } catch {
        // Foreign or truncated: a miss, and the next fill cannot replace it (NX) until it expires.
      }
    });
    this.metrics.count('hit', found.size);
    this.metrics.count('miss', keys.length - found.size);
    return found;
  }

  async setMany<T>(entries: ReadonlyArray<readonly [string, T]>): Promise<void> {
    if (!entries.length) return;
    // One command per key (a cluster spreads them over its nodes); the connection pipelines them.
    // NX: a key still holding an invalidation marker refuses the fill (see ReadCache).
    const fills = Promise.all(entries.map(([key, value]) => this.redis.set(this.key(key), JSON.stringify(value), 'PX', this.options.ttlMs, 'NX')));
    try {
      await bounded(fills, this.options.readTimeoutMs);
    } catch (error) {
      this.warn(`fill failed: ${(error as Error).message}`);
    }
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    if (!keys.length) return;
    const hold = Math.min(this.options.invalidationHoldMs, this.options.ttlMs);
    const markers = Promise.all(keys.map((key) => this.redis.set(this.key(key), INVALIDATED, 'PX', hold)));
    try {
      await bounded(markers, this.options.invalidateTimeoutMs);
    } catch (error) {
      this.warn(`invalidation failed, stale values may live up to ${this.options.ttlMs} ms: ${(error as Error).message}`);
    }
  }

  private key(key: string): string {
    return this.options.keyPrefix + key;
  }

  private warn(message: string): void {
    // Redis down means every read fails: one line every few seconds is enough to act on.
    if (Date.now() - this.lastWarning < 5000) return;
    this.lastWarning = Date.now();
    this.logger.warn(message);
  }
}

function bounded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  // The command may still answer later; its outcome no longer matters.
  work.catch(() => undefined);
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
