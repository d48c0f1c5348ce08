import { join } from 'node:path';
import { Context } from '../lib/context';
import { LatencyStats, ratio, summarize } from '../lib/stats';
import { ADMIN, api, checkoutBody, CleaveSystem, CHECKOUT_STOCK } from '../lib/system';
import { SEARCHED, seedInWorker } from '../lib/seed-sqlite';

/** The routes whose cost must not grow with the data, timed one request at a time. */
export type ScaleRoute = 'search' | 'category' | 'orders' | 'checkout';

export interface ScaleRow {
  products: number;
  /** Orders of the customer whose first page GET /orders reads. */
  customerOrders: number;
  /** Products a search finds (the same in every size) and products of the category page. */
  searchMatches: number;
  categorySize: number;
  /** Seeding straight into the databases, seconds. */
  seedSec: number;
  latency: Record<ScaleRoute, LatencyStats>;
  /** Median over the smallest size's median, per route. */
  vsSmallest?: Record<ScaleRoute, number>;
}

export interface ScaleScenario {
  database: string;
  rows: ScaleRow[];
}

/**
 * Scenario 6, cost as work grows: the monolith (SQLite) with 1k, 100k and 1M products and a
 * customer with 10, 1k and 10k orders, seeded straight into its databases (through the API a
 * million products would take hours), then each route timed sequentially: a search that
 * finds the same 50 products in every size, a category page sorted by price, the customer's
 * first page of orders, and a checkout.
 */
export async function scaleScenario(ctx: Context): Promise<ScaleScenario> {
  const plan = ctx.plans.scale;
  const rows: ScaleRow[] = [];
  for (const [products, customerOrders] of plan.sizes) {
    ctx.log(`scale: ${products.toLocaleString('en')} products, a customer with ${customerOrders.toLocaleString('en')} orders`);
    const system = await CleaveSystem.start('monolith', ctx.redisUrl);
    try {
      const base = system.gatewayUrl;
      const admin = await api<{ accessToken: string }>(base, 'POST', '/auth/login', ADMIN);
      const stocked = await api<{ id: string }>(base, 'POST', '/products', { name: 'Scale checkout product', priceCents: 100, stock: CHECKOUT_STOCK }, admin.accessToken);
      const customer = { email: `scale-${products}@bench.test`, password: 'bench-scale-password' };
      await api(base, 'POST', '/auth/register', customer);
      const token = (await api<{ accessToken: string }>(base, 'POST', '/auth/login', customer)).accessToken;
      // One real order, whose row the seeding copies.
      await api(base, 'POST', '/orders', JSON.parse(checkoutBody(stocked.id)), token);

      const seeding = performance.now();
      // In a worker thread: a blocked event loop here would miss the gateway closing idle keep-alive sockets.
      await seedInWorker({ kind: 'products', file: join(system.dataDir, 'catalog.sqlite'), count: products });
      await seedInWorker({ kind: 'orders', file: join(system.dataDir, 'orders.sqlite'), count: customerOrders - 1 });
      const seedSec = (performance.now() - seeding) / 1000;
      ctx.log(`scale: seeded in ${seedSec.toFixed(1)} s`);

      const category = `cat-${String(7).padStart(2, '0')}`;
      const time = (method: string, path: string, body?: unknown) => timed(plan, () => api(base, method, path, body, token));
      const latency: Record<ScaleRoute, LatencyStats> = {
        search: await time('GET', `/products?q=${SEARCHED}`),
        category: await time('GET', `/products?category=${category}&sort=price`),
        orders: await time('GET', '/orders?limit=20'),
        checkout: await timed(plan, () =>
          fetch(`${base}/orders`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
            body: checkoutBody(stocked.id),
          }).then(async (response) => {
            if (response.status !== 201) throw new Error(`POST /orders answered ${response.status}: ${await response.text()}`);
          }),
        ),
      };
      const found = await api<{ total: number }>(base, 'GET', `/products?q=${SEARCHED}&limit=1`);
      const page = await api<{ total: number }>(base, 'GET', `/products?category=${category}&limit=1`);
      rows.push({ products, customerOrders, searchMatches: found.total, categorySize: page.total, seedSec, latency });
    } finally {
      await system.stop(ctx.redis);
    }
  }
  const smallest = rows[0];
  for (const row of rows) {
    row.vsSmallest = Object.fromEntries(
      (Object.keys(row.latency) as ScaleRoute[]).map((route) => [route, ratio(row.latency[route].median, smallest.latency[route].median)]),
    ) as Record<ScaleRoute, number>;
  }
  return { database: 'monolith on SQLite', rows };
}

/** Warm-up, then `requests` calls one after another, each timed. */
async function timed(plan: Context['plans']['scale'], call: () => Promise<unknown>): Promise<LatencyStats> {
  for (let i = 0; i < plan.warmupRequests; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < plan.requests; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
}
