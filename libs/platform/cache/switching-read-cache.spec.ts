import { CacheMetrics } from './cache.metrics';
import { MemoryReadCache } from './memory-read-cache';
import { NoReadCache, ReadCache } from './read-cache';
import { SwitchingReadCache } from './switching-read-cache';

describe('SwitchingReadCache', () => {
  const memory = () => new MemoryReadCache({ ttlMs: 10_000, invalidationHoldMs: 50 }, new CacheMetrics('switching-spec'));

  it('serves from the cache it uses now', async () => {
    const cache = new SwitchingReadCache(memory());
    await cache.setMany([['a', 1]]);
    expect(await cache.getMany(['a'])).toEqual(new Map([['a', 1]]));
    cache.use(new NoReadCache(), 10_000);
    expect(cache.kind).toBe('off');
    expect((await cache.getMany(['a'])).size).toBe(0);
    cache.use(memory(), 0);
    expect((await cache.getMany(['a'])).size).toBe(0);
  });

  it('still invalidates a shared cache it replaced, for as long as its entries may live', async () => {
    const deleted: string[][] = [];
    class SharedCache extends ReadCache {
      readonly kind = 'redis' as const;
      async getMany<T>(): Promise<Map<string, T>> {
        return new Map();
      }
      async setMany(): Promise<void> {}
      async deleteMany(keys: readonly string[]): Promise<void> {
        deleted.push([...keys]);
      }
    }
    const shared = new SharedCache();
    const cache = new SwitchingReadCache(shared);
    cache.use(new NoReadCache(), 60_000);
    await cache.deleteMany(['k']);
    expect(deleted).toEqual([['k']]);
  });
});
