import { LRUCache } from 'lru-cache';
import { INVALIDATED, ReadCache, ReadCacheLimits } from './read-cache';
import { CacheMetrics } from './cache.metrics';

/**
 * The cache of a one-process topology: bounded (least recently used entries go first) and
 * private to the process, which is the only one reading and writing the data. Values are
 * kept as JSON, so a caller never shares (and mutates) what another got.
 */
export class MemoryReadCache extends ReadCache {
  readonly kind = 'memory' as const;
  private readonly entries: LRUCache<string, string>;

  constructor(
    private readonly limits: ReadCacheLimits,
    private readonly metrics: CacheMetrics,
    options: { maxEntries?: number; /** Milliseconds of a monotonic clock; a test passes its own. */ now?: () => number } = {},
  ) {
    super();
    const clock = options.now ? { perf: { now: options.now }, ttlResolution: 0 } : {};
    this.entries = new LRUCache<string, string>({ max: options.maxEntries ?? 10_000, ttl: limits.ttlMs, ...clock });
  }

  async getMany<T>(keys: readonly string[]): Promise<Map<string, T>> {
    const found = new Map<string, T>();
    for (const key of keys) {
      const raw = this.entries.get(key);
      if (raw === undefined || raw === INVALIDATED) continue;
      found.set(key, JSON.parse(raw) as T);
    }
    this.metrics.count('hit', found.size);
    this.metrics.count('miss', keys.length - found.size);
    return found;
  }

  async setMany<T>(entries: ReadonlyArray<readonly [string, T]>): Promise<void> {
    for (const [key, value] of entries) {
      if (!this.entries.has(key)) this.entries.set(key, JSON.stringify(value));
    }
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    const ttl = Math.min(this.limits.invalidationHoldMs, this.limits.ttlMs);
    for (const key of keys) this.entries.set(key, INVALIDATED, { ttl });
  }
}
