import { Env, readInt } from '@cleave/platform/config';

export interface CacheSettings {
  /** How long a cached read lives; 0 turns read caches off. */
  ttlMs: number;
}

export function readCacheSettings(env: Env): CacheSettings {
  return { ttlMs: readInt(env, 'CLEAVE_CACHE_TTL_MS', 30_000, 0, 24 * 3600 * 1000) };
}
