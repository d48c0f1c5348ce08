// A module's read cache: memory in one process, Redis shared by instances when split.
export { CacheMetrics, CacheOutcome } from './cache.metrics';
export { CacheSettings } from './cache.settings';
export { MemoryReadCache } from './memory-read-cache';
export { NoReadCache, ReadCache, ReadCacheLimits } from './read-cache';
export { ReadCacheModule, ReadCacheOptions } from './read-cache.module';
export { RedisReadCache, RedisReadCacheOptions } from './redis-read-cache';
export { SwitchingReadCache } from './switching-read-cache';
