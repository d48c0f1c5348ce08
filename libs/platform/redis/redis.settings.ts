import { defineSettings, setting } from '@cleave/platform/config';

/** Where the split system's Redis is, and the prefix that keeps one system's keys apart. */
export class RedisSettings extends defineSettings('redis', 'Redis', {
  url: setting.url('REDIS_URL', {
    default: 'redis://127.0.0.1:6379',
    protocols: ['redis:', 'rediss:'],
    secret: 'url',
    doc: 'the bus, span store, read caches and registry when the topology has several processes',
  }),
  prefix: setting.string('CLEAVE_REDIS_PREFIX', {
    default: 'cleave',
    pattern: /^[A-Za-z0-9_.-]+$/,
    expected: 'letters, digits, dots, dashes or underscores',
    doc: 'prefix of every Redis key and channel (so systems sharing a Redis stay apart)',
  }),
}) {}
