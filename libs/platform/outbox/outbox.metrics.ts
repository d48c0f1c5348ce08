import { Gauge, register } from 'prom-client';

export interface OutboxBacklogSource {
  readonly module: string;
  backlog(): Promise<{ count: number; oldestCreatedAt?: string; dead: number }>;
}

const sources = new Set<OutboxBacklogSource>();

/**
 * `cleave_outbox_backlog{module}`, `cleave_outbox_oldest_age_seconds{module}` and
 * `cleave_outbox_dead{module}`, read at
 * scrape time: events committed but not yet on the bus. Beside cleave_event_consumer_lag
 * they tell where an event is waiting.
 */
export function reportOutboxBacklog(source: OutboxBacklogSource): () => void {
  ensureGauges();
  sources.add(source);
  return () => void sources.delete(source);
}

function ensureGauges(): void {
  if (register.getSingleMetric('cleave_outbox_backlog')) return;
  const read = async () => Promise.all([...sources].map(async (s) => ({ module: s.module, ...(await s.backlog().catch(() => ({ count: NaN, dead: NaN }))) })));
  let last: ReturnType<typeof read> | undefined;
  // Both gauges come from one query per module per scrape.
  const snapshot = () => (last ??= read().finally(() => setImmediate(() => (last = undefined))));
  new Gauge({
    name: 'cleave_outbox_backlog',
    help: 'Events committed to a module outbox and not yet relayed to the bus (read at scrape time)',
    labelNames: ['module'],
    async collect() {
      this.reset();
      for (const { module, count } of await snapshot()) this.labels(module).set(count);
    },
  });
  new Gauge({
    name: 'cleave_outbox_dead',
    help: 'Events given up on in a module outbox (one process: their subscribers failed them too often)',
    labelNames: ['module'],
    async collect() {
      this.reset();
      for (const { module, dead } of await snapshot()) this.labels(module).set(dead);
    },
  });
  new Gauge({
    name: 'cleave_outbox_oldest_age_seconds',
    help: 'Age of the oldest event waiting in a module outbox; 0 when it is empty',
    labelNames: ['module'],
    async collect() {
      this.reset();
      for (const row of await snapshot()) {
        const oldest = 'oldestCreatedAt' in row && row.oldestCreatedAt ? Date.parse(row.oldestCreatedAt) : undefined;
        this.labels(row.module).set(oldest === undefined ? 0 : Math.max(0, (Date.now() - oldest) / 1000));
      }
    },
  });
}
