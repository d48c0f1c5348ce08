import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Gauge, register } from 'prom-client';
import { readForScrape } from '@cleave/platform/metrics';
import { Repository } from 'typeorm';
import { Order } from './order.entity';

type PendingSnapshot = { count: number; oldestCreatedAt?: string };

const sources = new Set<() => Promise<PendingSnapshot>>();

/**
 * `cleave_orders_pending` and `cleave_orders_pending_oldest_age_seconds`, read from the
 * orders table at scrape time. A checkout is PENDING for the length of its saga; one PENDING
 * for minutes is stuck (its targets down past every retry, or recovery failing), which is what
 * the CleaveOrderStuckPending alert watches. Every instance reports the same table: take the max.
 */
@Injectable()
export class OrdersMetrics implements OnModuleInit, OnModuleDestroy {
  private readonly source = () => this.pending();

  constructor(@InjectRepository(Order, 'orders') private readonly orders: Repository<Order>) {}

  onModuleInit(): void {
    ensureGauges();
    sources.add(this.source);
  }

  onModuleDestroy(): void {
    sources.delete(this.source);
  }

  private async pending(): Promise<PendingSnapshot> {
    const row = await this.orders
      .createQueryBuilder('o')
      .select('COUNT(*)', 'count')
      .addSelect('MIN(o.created_at)', 'oldest')
      .where('o.status = :status', { status: 'PENDING' })
      .getRawOne<{ count: string | number; oldest: string | null }>();
    return { count: Number(row?.count ?? 0), oldestCreatedAt: row?.oldest ?? undefined };
  }
}

function ensureGauges(): void {
  if (register.getSingleMetric('cleave_orders_pending')) return;
  let last: Promise<PendingSnapshot[]> | undefined;
  // Both gauges come from one query per scrape.
  const snapshot = () => (last ??= Promise.all([...sources].map((read) => readForScrape(read, { count: NaN } as PendingSnapshot))).finally(() => setImmediate(() => (last = undefined))));
  new Gauge({
    name: 'cleave_orders_pending',
    help: 'Orders PENDING now: checkouts under way, or stuck (read at scrape time)',
    async collect() {
      this.reset();
      for (const { count } of await snapshot()) this.set(count);
    },
  });
  new Gauge({
    name: 'cleave_orders_pending_oldest_age_seconds',
    help: 'Age of the oldest PENDING order; 0 when there is none',
    async collect() {
      this.reset();
      for (const { oldestCreatedAt } of await snapshot()) this.set(oldestCreatedAt ? Math.max(0, (Date.now() - Date.parse(oldestCreatedAt)) / 1000) : 0);
    },
  });
}
