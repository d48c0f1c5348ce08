import { ReadCache } from './read-cache';

/**
 * A read cache whose implementation can be replaced while running: how a new TTL (or `0`,
 * caching off) applies without a restart. A replaced cache shared with other instances
 * (Redis) still gets invalidations for as long as its entries may live, so turning caching
 * back on soon after cannot serve a value changed in between.
 */
export class SwitchingReadCache extends ReadCache {
  private retired: Array<{ cache: ReadCache; until: number }> = [];

  constructor(private current: ReadCache) {
    super();
  }

  get kind(): ReadCache['kind'] {
    return this.current.kind;
  }

  /** Uses `next` from now on; `previousTtlMs` is how long the replaced one's entries may live. */
  use(next: ReadCache, previousTtlMs: number): void {
    const now = Date.now();
    this.retired = this.retired.filter((r) => r.until > now);
    if (this.current.kind === 'redis') this.retired.push({ cache: this.current, until: now + previousTtlMs });
    this.current = next;
  }

  getMany<T>(keys: readonly string[]): Promise<Map<string, T>> {
    return this.current.getMany<T>(keys);
  }

  setMany<T>(entries: ReadonlyArray<readonly [string, T]>): Promise<void> {
    return this.current.setMany(entries);
  }

  async deleteMany(keys: readonly string[]): Promise<void> {
    const now = Date.now();
    const retired = this.retired.filter((r) => r.until > now && r.cache !== this.current);
    await Promise.all([this.current.deleteMany(keys), ...retired.map((r) => r.cache.deleteMany(keys))]);
  }
}
