import { Counter, register } from 'prom-client';

export type CacheOutcome = 'hit' | 'miss' | 'error';

/** cleave_cache_requests_total{cache,outcome}: one count per key read. */
export class CacheMetrics {
  private readonly requests = getOrCreate(
    'cleave_cache_requests_total',
    () =>
      new Counter({
        name: 'cleave_cache_requests_total',
        help: 'Keys read from a read cache, by cache and outcome (hit, miss, error: the cache failed or was too slow)',
        labelNames: ['cache', 'outcome'],
      }),
  );
  private readonly children: Record<CacheOutcome, Counter.Internal>;

  constructor(cache: string) {
    // Bound once: a read is on the hot path.
    this.children = {
      hit: this.requests.labels(cache, 'hit'),
      miss: this.requests.labels(cache, 'miss'),
      error: this.requests.labels(cache, 'error'),
    };
  }

  count(outcome: CacheOutcome, keys: number): void {
    if (keys > 0) this.children[outcome].inc(keys);
  }
}

function getOrCreate<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}
