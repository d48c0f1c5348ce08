import { DynamicModule, Module } from '@nestjs/common';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { RedisConnections } from '@cleave/platform/redis';
import { CacheMetrics } from './cache.metrics';
import { readCacheSettings } from './cache.settings';
import { MemoryReadCache } from './memory-read-cache';
import { NoReadCache, ReadCache } from './read-cache';
import { RedisReadCache } from './redis-read-cache';

export interface ReadCacheOptions {
  /** Most entries of the in-memory cache. */
  maxEntries?: number;
}

/**
 * A module's `ReadCache` (inject the abstract class): in memory when the topology is one
 * process; in Redis when split, under `<prefix>:cache:<module>:` and shared by every
 * instance of the module; none when CLEAVE_CACHE_TTL_MS is 0. Needs the process
 * identity and, split, RedisModule.
 */
@Module({})
export class ReadCacheModule {
  static forModule(module: string, options: ReadCacheOptions = {}): DynamicModule {
    // The name as data: Nest tells dynamic modules apart by their serialised metadata, in
    // which two factories differing only by a captured variable look the same.
    const name = { provide: READ_CACHE_NAME, useValue: module };
    const provider = {
      provide: ReadCache,
      inject: [READ_CACHE_NAME, PROCESS_IDENTITY, { token: RedisConnections, optional: true }],
      useFactory: (cache: string, bus: ProcessIdentity, redis?: RedisConnections): ReadCache => {
        const { ttlMs } = readCacheSettings(process.env);
        if (ttlMs === 0) return new NoReadCache();
        const limits = { ttlMs, invalidationHoldMs: INVALIDATION_HOLD_MS };
        const metrics = new CacheMetrics(cache);
        if (bus.topology.isSingleProcess) return new MemoryReadCache(limits, metrics, { maxEntries: options.maxEntries });
        if (!redis) throw new Error(`A topology with several processes shares the ${cache} cache in Redis, but this process has no Redis connection (RedisModule)`);
        return new RedisReadCache(
          redis.command,
          { ...limits, keyPrefix: redis.keys.cache(cache), readTimeoutMs: READ_TIMEOUT_MS, invalidateTimeoutMs: INVALIDATE_TIMEOUT_MS },
          metrics,
        );
      },
    };
    return { module: ReadCacheModule, providers: [name, provider], exports: [ReadCache] };
  }
}

const READ_CACHE_NAME = Symbol('READ_CACHE_NAME');

/** Longer than a read takes from database to fill, so fills racing an invalidation are refused. */
const INVALIDATION_HOLD_MS = 1000;
/** A cache slower than this is worse than no cache. */
const READ_TIMEOUT_MS = 50;
/** A write waits this long for its invalidation, so a read right after it sees the change. */
const INVALIDATE_TIMEOUT_MS = 500;
