import { DynamicModule, Module } from '@nestjs/common';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { RedisConnections } from '@cleave/platform/redis';
import { CacheMetrics } from './cache.metrics';
import { onSettingsChange } from '@cleave/platform/config';
import { CacheSettings } from './cache.settings';
import { MemoryReadCache } from './memory-read-cache';
import { NoReadCache, ReadCache } from './read-cache';
import { RedisReadCache } from './redis-read-cache';
import { SwitchingReadCache } from './switching-read-cache';

export interface ReadCacheOptions {
  /** Most entries of the in-memory cache. */
  maxEntries?: number;
}

/**
 * A module's `ReadCache` (inject the abstract class): in memory when the topology is one
 * process; in Redis when split, under `<prefix>:cache:<module>:` and shared by every
 * instance of the module; none when CLEAVE_CACHE_TTL_MS is 0. The TTL may change while
 * running. Needs the process identity, CacheSettings and, split, RedisModule.
 */
@Module({})
export class ReadCacheModule {
  static forModule(module: string, options: ReadCacheOptions = {}): DynamicModule {
    // The name as data: Nest tells dynamic modules apart by their serialised metadata, in
    // which two factories differing only by a captured variable look the same.
    const name = { provide: READ_CACHE_NAME, useValue: module };
    const provider = {
      provide: ReadCache,
      inject: [READ_CACHE_NAME, PROCESS_IDENTITY, CacheSettings, { token: RedisConnections, optional: true }],
      useFactory: (cache: string, bus: ProcessIdentity, settings: CacheSettings, redis?: RedisConnections): ReadCache => {
        if (!bus.topology.isSingleProcess && !redis) {
          throw new Error(`A topology with several processes shares the ${cache} cache in Redis, but this process has no Redis connection (RedisModule)`);
        }
        const metrics = new CacheMetrics(cache);
        const build = (ttlMs: number): ReadCache => {
          if (ttlMs === 0) return new NoReadCache();
          const limits = { ttlMs, invalidationHoldMs: INVALIDATION_HOLD_MS };
          if (bus.topology.isSingleProcess) return new MemoryReadCache(limits, metrics, { maxEntries: options.maxEntries });
          return new RedisReadCache(
            redis!.command,
            { ...limits, keyPrefix: redis!.keys.cache(cache), readTimeoutMs: READ_TIMEOUT_MS, invalidateTimeoutMs: INVALIDATE_TIMEOUT_MS },
            metrics,
          );
        };
        // CLEAVE_CACHE_TTL_MS is live: a new TTL starts a new cache (in memory, an empty one).
        const switching = new SwitchingReadCache(build(settings.ttlMs));
        onSettingsChange(settings, (current, previous) => {
          if (current.ttlMs !== previous.ttlMs) switching.use(build(current.ttlMs), previous.ttlMs);
        });
        return switching;
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
