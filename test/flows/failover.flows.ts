import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import request from 'supertest';
import { CleaveSystem, OUTPUT_DIR } from '../support/system';
import { ROOT } from '../support/system-env';
import { eventually } from '../support/eventually';
import { adminToken, createProduct, Notification, placeOrder, registerAndLogin, Shopper } from './shop.flows';

/** How a test takes a Redis master away and gets the service back. */
export interface RedisFailover {
  /** kill -9 the master holding the given key (a bus key). */
  crash(key: string): Promise<void>;
  /** Resolves once a replica has taken over (every slot served again, or the sentinels agree on a new master). */
  promoted(): Promise<void>;
  /** Starts the killed server again: it comes back as a replica, so writes that wait for one (events) go through. */
  restore(): Promise<void>;
}

interface Outcome {
  shopper: Shopper;
  status: number | 'no answer';
  ms: number;
  orderId?: string;
  startedAt: number;
}

/** Concurrent customers, each checking out one order after another. */
const CUSTOMERS = 3;
/** Each customer is a few accounts in turn, this many orders each (a feed shows the latest 100 notifications). */
const ACCOUNTS = 15;
const ORDERS_PER_ACCOUNT = 15;
/**
 * A customer checks out at most this often: the bounded supply of orders must last past the
 * restore, and a Sentinel set takes about 20 s to take the old master back as a replica. At
 * full speed (50-100 ms a checkout on an idle machine) it ran out first, and no checkout came
 * after the restore. 225 orders a customer at 200 ms each last 45 s.
 */
const CHECKOUT_EVERY_MS = 200;
/** A checkout's own timeout (orders.placeOrder in config/resilience.json), and a second for the gateway around it. */
const ANSWER_WITHIN_MS = (JSON.parse(readFileSync(join(ROOT, 'config/resilience.json'), 'utf8')) as { targets: { orders: { patterns: { placeOrder: { timeoutMs: number } } } } }).targets.orders.patterns.placeOrder.timeoutMs + 1000;

/**
 * A Redis master killed under a steady, bounded stream of checkouts (a few customers, each
 * checking out again as soon as answered): every checkout is answered within its timeout (a
 * 503 is an answer; a hang is not), every order that was accepted ends CONFIRMED, and every
 * confirmed order's event reaches its notifications once the killed server is back.
 */
export function checkoutsThroughFailover(system: () => CleaveSystem, failover: () => RedisFailover): void {
  it('loses no order or event when a Redis master dies under checkouts, and answers every checkout in time', async () => {
    const url = system().gatewayUrl;
    const admin = await adminToken(url);
    const product = await createProduct(url, admin, { stock: 100_000, priceCents: 100 });
    // One registration at a time: password hashing is slow on purpose, and a crowd of them would time out.
    const accounts: Shopper[][] = [];
    for (let c = 0; c < CUSTOMERS; c++) {
      const mine: Shopper[] = [];
      for (let a = 0; a < ACCOUNTS; a++) mine.push(await registerAndLogin(url, 'failover'));
      accounts.push(mine);
    }
    const shoppers = accounts.flat();
    const outcomes: Outcome[] = [];
    let running = true;
    // Bounded: at most CUSTOMERS x ACCOUNTS x ORDERS_PER_ACCOUNT checkouts, never more than CUSTOMERS at once.
    const customers = accounts.map(async (mine) => {
      for (let n = 0; running && n < ACCOUNTS * ORDERS_PER_ACCOUNT; n++) {
        const shopper = mine[Math.floor(n / ORDERS_PER_ACCOUNT)];
        const startedAt = Date.now();
        const res = await placeOrder(url, shopper, product.id, 1)
          .timeout(ANSWER_WITHIN_MS)
          .then((r) => r, () => undefined);
        outcomes.push({ shopper, status: res?.status ?? 'no answer', ms: Date.now() - startedAt, orderId: res?.status === 201 ? res.body.id : undefined, startedAt });
        const early = startedAt + CHECKOUT_EVERY_MS - Date.now();
        if (early > 0) await new Promise((resolve) => setTimeout(resolve, early));
      }
    });
    const confirmedSince = (at: number) => outcomes.filter((o) => o.status === 201 && o.startedAt >= at).length;
    let crashedAt = 0;
    let promotedAt = 0;
    let restoredAt = 0;
    try {
      await eventually(() => expect(confirmedSince(0)).toBeGreaterThanOrEqual(CUSTOMERS * 2), 30_000);
      await failover().crash(system().keys.requests('orders'));
      crashedAt = Date.now();
      await failover().promoted();
      promotedAt = Date.now();
      // Taking orders again after the promotion, before the old master is back.
      await eventually(() => expect(confirmedSince(promotedAt)).toBeGreaterThanOrEqual(CUSTOMERS * 2), 30_000);
      await failover().restore();
      restoredAt = Date.now();
      await eventually(() => expect(confirmedSince(restoredAt)).toBeGreaterThanOrEqual(CUSTOMERS), 30_000);
      running = false;
      await Promise.all(customers);
      const during = outcomes.filter((o) => o.startedAt >= crashedAt && o.startedAt < promotedAt);
      const answeredAgain = Math.min(...outcomes.filter((o) => o.status === 201 && o.startedAt + o.ms > promotedAt).map((o) => o.startedAt + o.ms)) - promotedAt;
      // What the failover cost, for the README: how long, how many checkouts were refused, how soon they were taken again.
      console.log(
        `failover: promoted after ${promotedAt - crashedAt} ms; ${outcomes.length} checkouts, ${during.length} during it, ${outcomes.filter((o) => o.status !== 201).length} refused; ` +
          `the first taken ${answeredAgain} ms after the promotion; the slowest answered in ${Math.max(...outcomes.map((o) => o.ms))} ms`,
      );
    } finally {
      running = false;
      await Promise.all(customers);
      if (OUTPUT_DIR) {
        const timeline = { crashedAt, promotedAt, restoredAt, outcomes: outcomes.map(({ status, ms, startedAt }) => ({ status, ms, startedAt })) };
        writeFileSync(join(OUTPUT_DIR, 'failover-timeline.json'), JSON.stringify(timeline));
      }
    }

    const wrong = outcomes.filter((o) => (o.status !== 201 && o.status !== 503) || o.ms > ANSWER_WITHIN_MS);
    expect(wrong.map(({ status, ms }) => ({ status, ms }))).toEqual([]);

    const accepted = outcomes.filter((o) => o.orderId);
    for (const shopper of shoppers) {
      const mine = accepted.filter((o) => o.shopper === shopper).map((o) => o.orderId!);
      const auth = { Authorization: `Bearer ${shopper.token}` };
      // No lost order: each accepted one is there, confirmed.
      for (const id of mine) expect((await request(url).get(`/orders/${id}`).set(auth).expect(200)).body).toMatchObject({ id, status: 'CONFIRMED' });
      // No lost event: each one's order.confirmed reached notifications.
      await eventually(async () => {
        const feed = (await request(url).get('/notifications').query({ limit: 100 }).set(auth).expect(200)).body as Notification[];
        const missing = mine.filter((id) => !feed.some((n) => n.kind === 'order.confirmed' && n.message.includes(id)));
        expect(missing).toEqual([]);
      }, 30_000, 200);
    }
    // A failover, checkouts held up to their 10 s timeout meanwhile, and every order checked.
  }, 180_000);
}
