import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { searchDocument } from '../../libs/domains/catalog/search-words';
import { Context } from '../lib/context';
import { LatencyStats, ratio, summarize } from '../lib/stats';
import { ADMIN, api, checkoutBody, CleaveSystem, CHECKOUT_STOCK } from '../lib/system';
import { openSqlite } from '../lib/sqlite';

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

/** Categories the generated products spread over: a category page grows with the catalog. */
const CATEGORIES = 100;
/** Products that carry the searched word, in every size: a search's work should follow its matches, not the catalog. */
const SEARCH_MATCHES = 50;
const SEARCHED = 'lantern';
/** Words the other products are named from, so the index has many distinct terms. */
const VOCABULARY = ['steel', 'oak', 'linen', 'brass', 'glass', 'wool', 'copper', 'clay', 'cotton', 'maple', 'slate', 'cedar'];
const KINDS = ['mug', 'chair', 'lamp', 'rug', 'bowl', 'shelf', 'vase', 'desk', 'stool', 'jar', 'tray', 'clock'];

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
      seedProducts(join(system.dataDir, 'catalog.sqlite'), products);
      seedOrders(join(system.dataDir, 'orders.sqlite'), customerOrders - 1);
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

/**
 * `count` products in one transaction per 50k, as the catalog writes them (folded name and
 * description, search words); the full-text index follows through its triggers. The app
 * is idle meanwhile and its own connection reads the new rows at its next query.
 */
function seedProducts(file: string, count: number): void {
  const db = openSqlite(file);
  const insert = db.prepare(
    `INSERT INTO products (id, name, description, category, price_cents, currency, stock, active, name_folded, description_folded, search_text, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, 'USD', 1000, 1, ?, ?, ?, ?, ?)`,
  );
  const every = Math.floor(count / SEARCH_MATCHES);
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const batch = db.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      const word = VOCABULARY[i % VOCABULARY.length];
      const kind = KINDS[Math.floor(i / VOCABULARY.length) % KINDS.length];
      const name = i % every === 0 && i / every < SEARCH_MATCHES ? `${word} ${SEARCHED} ${i}` : `${word} ${kind} ${i}`;
      const description = `A ${word} ${kind}, model ${i.toString(36)}`;
      const at = new Date(start + i * 1000).toISOString();
      insert.run(randomUUID(), name, description, `cat-${String(i % CATEGORIES).padStart(2, '0')}`, 100 + (i % 50_000), name.toLowerCase(), description.toLowerCase(), searchDocument(name, description), at, at);
    }
  });
  for (let from = 0; from < count; from += 50_000) batch(from, Math.min(count, from + 50_000));
  db.close();
}

/** `count` copies of the customer's one order, each with its own id, key and time. */
function seedOrders(file: string, count: number): void {
  if (count <= 0) return;
  const db = openSqlite(file);
  const columns = (db.prepare('PRAGMA table_info(orders)').all() as { name: string }[]).map((c) => c.name);
  const original = db.prepare('SELECT * FROM orders LIMIT 1').get() as Record<string, unknown>;
  const insert = db.prepare(`INSERT INTO orders (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`);
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  db.transaction(() => {
    for (let i = 0; i < count; i++) {
      const at = new Date(start + i * 1000).toISOString();
      const copy: Record<string, unknown> = { ...original, id: randomUUID(), idempotency_key: `scale-seed-${i}`, created_at: at, updated_at: at };
      insert.run(...columns.map((c) => copy[c]));
    }
  })();
  db.close();
}
