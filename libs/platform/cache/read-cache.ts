/**
 * A read-through cache of JSON-safe values by key, owned by one module. Every method is
 * best-effort: a cache that fails or answers slowly reads as a miss and a write to it is
 * dropped, so a caller always falls through to its database and never fails because of it.
 *
 * Invalidation (`deleteMany`) does more than remove: it leaves a short-lived marker that
 * refuses fills (`setMany` fills a key only when it holds nothing). That closes the usual
 * stale-fill race: a read loads a row, a write commits and invalidates, then the read puts
 * the value it loaded before the write back. A fill arriving while the marker lives is
 * refused; one slower than the marker's hold can still put a stale value back, and the TTL
 * bounds how long that value lives. Callers invalidate after their transaction commits, so
 * no read can load the old row once the marker is set.
 */
export abstract class ReadCache {
  /** `memory`, `redis`, or `off` when the TTL is 0. */
  abstract readonly kind: 'memory' | 'redis' | 'off';

  /** The cached values among `keys`; a key missing, expired, invalidated or unreadable is absent. */
  abstract getMany<T>(keys: readonly string[]): Promise<Map<string, T>>;

  /** Fills keys that hold nothing, for the cache's TTL; never rejects. */
  abstract setMany<T>(entries: ReadonlyArray<readonly [string, T]>): Promise<void>;

  /** Invalidates keys (see above); never rejects. */
  abstract deleteMany(keys: readonly string[]): Promise<void>;
}

export interface ReadCacheLimits {
  /** How long a filled value lives. */
  ttlMs: number;
  /** How long an invalidation refuses fills; capped at the TTL. */
  invalidationHoldMs: number;
}

/** What an invalidated key holds: not JSON, so never mistaken for a value. */
export const INVALIDATED = '\u0000invalidated';

/** The cache when caching is off (TTL 0): every read misses. */
export class NoReadCache extends ReadCache {
  readonly kind = 'off' as const;

  async getMany<T>(): Promise<Map<string, T>> {
    return new Map();
  }

  async setMany(): Promise<void> {}

  async deleteMany(): Promise<void> {}
}
