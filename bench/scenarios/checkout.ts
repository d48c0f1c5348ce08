import { Context } from '../lib/context';
import { sleep, startPeer } from '../lib/proc';
import { LatencyStats } from '../lib/stats';
import { api, CHECKOUT_STOCK, checkoutLoad, CleaveSystem, PaymentsSimulator, seed, Seeded } from '../lib/system';
import type { HttpLoadPlan, HttpLoadResult } from '../peers/http-load';

export interface StockCheck {
  productId: string;
  initial: number;
  /** Stock the catalog reports once every checkout has finished. */
  stock: number;
  /** Units of this product in CONFIRMED orders. */
  confirmedUnits: number;
}

export interface CheckoutRow {
  system: 'monolith' | 'split';
  label: string;
  payments: PaymentsSimulator;
  result: HttpLoadResult;
  /** Answers per second, whatever their status (201 and 402 alike). */
  answersPerSec: number;
  /** 201 (CONFIRMED) and 402 (declined, compensated) answers of the measured run. */
  created: number;
  declined: number;
  /** Any other answer (a 409, 5xx, a timeout...): none expected. */
  other: number;
  latency201?: LatencyStats;
  latency402?: LatencyStats;
  /** Orders of the whole run (warm-up included) once every saga finished. */
  orders: { confirmed: number; cancelled: number; pending: number };
  /** Seconds waited after the load for the last sagas to finish. */
  settleSec: number;
  stock: StockCheck[];
  /** stock + confirmed units == initial stock for every product, and no order left PENDING. */
  consistent: boolean;
}

export interface CheckoutScenario {
  database: string;
  rows: CheckoutRow[];
}

/**
 * Scenario 5: checkout (the persisted saga) with a payment simulator that declines a share of
 * the charges and takes a few milliseconds, on the monolith and on split. Declined checkouts
 * are compensated (the reservation is released) and answer 402. After each run, once every
 * saga has finished, the stock of each product plus its confirmed units must equal its
 * initial stock: a correctness check, not a timed one.
 */
export async function checkoutScenario(ctx: Context): Promise<CheckoutScenario> {
  const plan = ctx.plans.checkout;
  const payments: PaymentsSimulator = { latencyMs: plan.latencyMs, failureRate: plan.failureRate };
  const rows: CheckoutRow[] = [];
  const loader = await startPeer('autocannon', 'http-load', {});
  try {
    for (const topology of ['monolith', 'split'] as const) {
      ctx.log(`checkout: starting the ${topology} (payments: ${plan.latencyMs} ms, ${plan.failureRate * 100}% declined)`);
      const system = await CleaveSystem.start(topology, ctx.redisUrl, { database: ctx.splitDatabase, payments });
      try {
        const url = system.gatewayUrl;
        const seeded = await seed(url, 0, plan.products);
        const load: Omit<HttpLoadPlan, 'warmupSec' | 'durationSec'> = { ...checkoutLoad(url, seeded, plan.connections), latencyByStatus: true };
        const timeout = (plan.warmupSec + plan.durationSec) * 1000 + 60_000;
        ctx.log(`checkout: ${topology}, POST /orders at ${plan.connections} connections`);
        await loader.call<HttpLoadResult>('measure', { ...load, durationSec: plan.warmupSec, warmupSec: 0 }, timeout);
        const result = await loader.call<HttpLoadResult>('measure', { ...load, durationSec: plan.durationSec, warmupSec: 0 }, timeout);
        ctx.log(`checkout: ${topology}, checking stock against confirmed orders`);
        const t0 = performance.now();
        const check = await checkStock(url, seeded, plan.settleTimeoutSec);
        const codes = result.statusCodes ?? {};
        const created = codes['201'] ?? 0;
        const declined = codes['402'] ?? 0;
        const answers = Object.values(codes).reduce((a, b) => a + b, 0);
        const row: CheckoutRow = {
          system: topology,
          label: topology === 'monolith' ? 'monolith' : 'split, 1 instance per service',
          payments,
          result,
          answersPerSec: answers / (result.durationSec || plan.durationSec),
          created,
          declined,
          // Answers of any other status, plus connection errors and timeouts (autocannon counts both as errors).
          other: answers - created - declined + (result.errors - result.non2xx - result.timeouts),
          latency201: result.latencyByStatus?.['201'],
          latency402: result.latencyByStatus?.['402'],
          ...check,
          settleSec: (performance.now() - t0) / 1000,
        };
        if (!row.consistent) {
          ctx.log(`WARNING: checkout on ${topology}: stock and confirmed orders disagree: ${JSON.stringify({ orders: row.orders, stock: row.stock })}`);
        }
        rows.push(row);
      } finally {
        await system.stop(ctx.redis);
      }
    }
  } finally {
    await loader.stop();
  }
  return {
    database: `monolith: SQLite; split: ${ctx.splitDatabase === 'postgres' ? 'a PostgreSQL database per module' : 'a SQLite file per module'}`,
    rows,
  };
}

interface OrderPage {
  items: { status: string; items: { productId: string; quantity: number }[] }[];
  total: number;
}

/**
 * Waits (up to `timeoutSec`) until no order is PENDING (autocannon stops with requests in
 * flight, whose sagas still finish), then compares each product's stock with its units in
 * CONFIRMED orders. A mismatch is read again once after 2 s, in case a read raced the
 * catalog's cache invalidation.
 */
async function checkStock(url: string, seeded: Seeded, timeoutSec: number): Promise<Pick<CheckoutRow, 'orders' | 'stock' | 'consistent'>> {
  const count = async (status: string) => (await api<OrderPage>(url, 'GET', `/orders?status=${status}&limit=1`, undefined, seeded.token)).total;
  const deadline = performance.now() + timeoutSec * 1000;
  let pending = await count('PENDING');
  while (pending > 0 && performance.now() < deadline) {
    await sleep(250);
    pending = await count('PENDING');
  }
  const confirmedUnits = new Map<string, number>(seeded.checkoutIds.map((id) => [id, 0]));
  let confirmed = 0;
  for (let offset = 0; ; offset += 100) {
    const page = await api<OrderPage>(url, 'GET', `/orders?status=CONFIRMED&limit=100&offset=${offset}`, undefined, seeded.token);
    for (const order of page.items) {
      confirmed++;
      for (const line of order.items) confirmedUnits.set(line.productId, (confirmedUnits.get(line.productId) ?? 0) + line.quantity);
    }
    if (page.items.length < 100) break;
  }
  const cancelled = await count('CANCELLED');
  const read = async () =>
    Promise.all(
      seeded.checkoutIds.map(async (productId) => ({
        productId,
        initial: CHECKOUT_STOCK,
        stock: (await api<{ stock: number }>(url, 'GET', `/products/${productId}`)).stock,
        confirmedUnits: confirmedUnits.get(productId) ?? 0,
      })),
    );
  const holds = (stock: StockCheck[]) => pending === 0 && stock.every((s) => s.stock + s.confirmedUnits === s.initial);
  let stock = await read();
  if (!holds(stock)) {
    await sleep(2000);
    stock = await read();
  }
  return { orders: { confirmed, cancelled, pending }, stock, consistent: holds(stock) };
}
