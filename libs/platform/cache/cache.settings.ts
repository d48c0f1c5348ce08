import { defineSettings, setting } from '@cleave/platform/config';

/** How long read caches keep a value. */
export class CacheSettings extends defineSettings('cache', 'Read cache', {
  ttlMs: setting.int('CLEAVE_CACHE_TTL_MS', {
    default: 30_000,
    max: 24 * 3600 * 1000,
    live: true,
    doc: 'product read cache lifetime (memory in one process, Redis when split); `0` turns it off',
  }),
}) {}
