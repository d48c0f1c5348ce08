import { register } from 'prom-client';
import { createRedisConnection, RedisConnection } from '@cleave/platform/redis';
import { ensureRedis } from '../../../test/support/redis';
import { CacheMetrics } from './cache.metrics';
import { CacheSettings } from './cache.settings';
import { MemoryReadCache } from './memory-read-cache';
import { ReadCache } from './read-cache';
import { RedisReadCache } from './redis-read-cache';

async function counted(cache: string, outcome: string): Promise<number> {
  const metric = (await register.getSingleMetric('cleave_cache_requests_total')?.get())?.values ?? [];
  return metric.find((v) => v.labels.cache === cache && v.labels.outcome === outcome)?.value ?? 0;
}

/** What every ReadCache promises, whatever it is kept in. */
function behavesAsReadCache(make: () => { cache: ReadCache; name: string; advance(ms: number): Promise<void> }) {
  let cache: ReadCache;
  let name: string;
  let advance: (ms: number) => Promise<void>;

  beforeEach(() => {
    ({ cache, name, advance } = make());
  });

  it('returns what was filled, as a copy, and counts hits and misses', async () => {
    const hits = await counted(name, 'hit');
    const misses = await counted(name, 'miss');
    const value = { id: 'a', tags: ['x'] };
    await cache.setMany([['a', value]]);
    value.tags.push('mutated');
    const found = await cache.getMany<{ tags: string[] }>(['a', 'b']);
    expect([...found]).toEqual([['a', { id: 'a', tags: ['x'] }]]);
    expect((await counted(name, 'hit')) - hits).toBe(1);
    expect((await counted(name, 'miss')) - misses).toBe(1);
  });

  it('forgets a value after its TTL', async () => {
    await cache.setMany([['a', 1]]);
    await advance(150);
    expect((await cache.getMany(['a'])).size).toBe(0);
  });

  it('refuses a stale fill racing an invalidation, and fills again after the hold', async () => {
    await cache.setMany([['a', 'old']]);
    // A read loaded 'old', a write committed and invalidated, then the read fills.
    await cache.deleteMany(['a']);
    await cache.setMany([['a', 'old']]);
    expect((await cache.getMany(['a'])).size).toBe(0);
    await advance(60);
    await cache.setMany([['a', 'new']]);
    expect(await cache.getMany(['a'])).toEqual(new Map([['a', 'new']]));
  });
}

describe('MemoryReadCache', () => {
  behavesAsReadCache(() => {
    let now = 1000;
    const name = 'memory-spec';
    return {
      name,
      cache: new MemoryReadCache({ ttlMs: 100, invalidationHoldMs: 50 }, new CacheMetrics(name), { now: () => now }),
      advance: async (ms) => {
        now += ms;
      },
    };
  });

  it('stays within its bound, dropping the least recently used', async () => {
    const cache = new MemoryReadCache({ ttlMs: 10_000, invalidationHoldMs: 50 }, new CacheMetrics('memory-bound'), { maxEntries: 2 });
    await cache.setMany([['a', 1], ['b', 2]]);
    await cache.getMany(['a']);
    await cache.setMany([['c', 3]]);
    expect([...(await cache.getMany(['a', 'b', 'c'])).keys()]).toEqual(['a', 'c']);
  });
});

describe('RedisReadCache', () => {
  const prefix = `cleave-spec-cache-${process.pid}-${Date.now()}:`;
  let redis: RedisConnection;
  let redisUrl: string;

  beforeAll(async () => {
    redisUrl = (await ensureRedis()).url;
    redis = createRedisConnection({ mode: 'single', url: redisUrl });
  });

  afterAll(async () => {
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const options = { keyPrefix: prefix, ttlMs: 100, invalidationHoldMs: 50, readTimeoutMs: 50, invalidateTimeoutMs: 500 };

  // Redis keeps its own time: these tests wait for it, a few hundred milliseconds in all.
  behavesAsReadCache(() => ({
    name: 'redis-spec',
    cache: new RedisReadCache(redis, options, new CacheMetrics('redis-spec')),
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms + 20)),
  }));

  it('is shared: an invalidation by one instance is seen by another', async () => {
    const other = createRedisConnection({ mode: 'single', url: redisUrl });
    const one = new RedisReadCache(redis, { ...options, ttlMs: 10_000 }, new CacheMetrics('redis-shared'));
    const two = new RedisReadCache(other, { ...options, ttlMs: 10_000 }, new CacheMetrics('redis-shared'));
    await one.setMany([['s', 'v1']]);
    expect(await two.getMany(['s'])).toEqual(new Map([['s', 'v1']]));
    await two.deleteMany(['s']);
    expect((await one.getMany(['s'])).size).toBe(0);
    other.disconnect();
  });

  it('keeps its keys under the prefix', async () => {
    const cache = new RedisReadCache(redis, options, new CacheMetrics('redis-prefix'));
    await cache.setMany([['k', 1]]);
    expect(await redis.get(`${prefix}k`)).toBe('1');
  });

  it('reads as a counted error, never a failure, when Redis is down or slow', async () => {
    // Never connected and no offline queue: every command fails at once, as while Redis is down.
    const down = createRedisConnection({ mode: 'single', url: 'redis://127.0.0.1:1' }, { lazyConnect: true, enableOfflineQueue: false });
    const cache = new RedisReadCache(down, options, new CacheMetrics('redis-down'));
    const errors = await counted('redis-down', 'error');
    await expect(cache.getMany(['a', 'b'])).resolves.toEqual(new Map());
    await expect(cache.setMany([['a', 1]])).resolves.toBeUndefined();
    await expect(cache.deleteMany(['a'])).resolves.toBeUndefined();
    expect((await counted('redis-down', 'error')) - errors).toBe(2);
    down.disconnect();

    // Slow: an answer that never comes within the bound.
    const slow = { mget: () => new Promise(() => undefined) } as unknown as RedisConnection;
    const started = Date.now();
    await expect(new RedisReadCache(slow, options, new CacheMetrics('redis-slow')).getMany(['a'])).resolves.toEqual(new Map());
    expect(Date.now() - started).toBeLessThan(500);
  });
});

describe('cache settings', () => {
  it('reads CLEAVE_CACHE_TTL_MS once, 0 turning caching off, refusing nonsense', () => {
    expect(CacheSettings.from({}).ttlMs).toBe(30_000);
    expect(CacheSettings.from({ CLEAVE_CACHE_TTL_MS: '0' }).ttlMs).toBe(0);
    expect(() => CacheSettings.from({ CLEAVE_CACHE_TTL_MS: '-1' })).toThrow(/CLEAVE_CACHE_TTL_MS must be an integer between 0 and 86400000, got "-1"/);
  });
});
