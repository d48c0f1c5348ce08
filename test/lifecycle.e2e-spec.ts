import request from 'supertest';
import { CleaveSystem, Instance } from './support/system';
import { eventually } from './support/eventually';
import { GatewayPool, SteadyLoad } from './support/load';
import { adminToken, createProduct } from './flows/shop.flows';

/** Bound of a stop in this suite: every SIGTERM must end in exit 0 well within it. */
const SHUTDOWN_TIMEOUT_MS = 15_000;
const STOCK = 100_000;

/** What one SIGTERM came to, from the outside (exit, time) and from its own log lines. */
interface Stop {
  at: string;
  process: string;
  instanceId: string;
  exitCode: number | null;
  ms: number;
  drainedMs?: number;
  requests: number;
  events: number;
  handedBack: number;
  /** Its log said it left the registry, then drained, then stopped: in that order. */
  inOrder: boolean;
}

interface Placed {
  orderId: string;
  userId: string;
  token: string;
}

describe('split, two of every process: starts, stops and a rolling restart lose nothing', () => {
  let system: CleaveSystem;
  let pool: GatewayPool;
  let admin: string;
  const stops: Stop[] = [];
  let summary = '';

  beforeAll(async () => {
    system = await CleaveSystem.start('split', {
      // Three catalog and two of every other process, all at the same moment, on fresh databases.
      instances: { gateway: 2, users: 2, catalog: 3, cart: 2, orders: 2, payments: 2, notifications: 2 },
      env: {
        CLEAVE_SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        CLEAVE_SHUTDOWN_DELAY_MS: '300',
        // Fifteen processes share two cores with other suites: slowness is not what this tests.
        CLEAVE_BUS_TIMEOUT_MS: '5000',
        // Checkouts take a while in payments, so sagas are under way when orders stops.
        CLEAVE_PAYMENTS_LATENCY_MS: '40',
      },
    });
    pool = new GatewayPool(system.gatewayUrls);
    admin = await adminToken(system.gatewayUrl);
  }, 240_000);

  afterAll(async () => {
    pool?.close();
    await system?.stop();
    if (stops.length) {
      // The figures of the closing note.
      const lines = stops.map((s) => `${s.at} ${s.process} ${s.instanceId}: exit ${s.exitCode} in ${s.ms} ms (drain ${s.drainedMs} ms: ${s.requests} requests, ${s.events} events finished, ${s.handedBack} handed back)`);
      console.log(`Stops:\n${lines.join('\n')}\n${summary}`);
    }
  });

  it('starts three catalog and two of every other at once on fresh databases: all ready, no migration error logged', () => {
    expect(system.instancesOf('catalog')).toHaveLength(3);
    expect(system.instancesOf('orders')).toHaveLength(2);
    for (const instance of system.processNames().flatMap((name) => system.instancesOf(name))) {
      const problems = instance.output.filter((line) => /duplicate key|Unable to connect to the database|QueryFailedError|migrations? failed|"level":"error"/i.test(line));
      expect({ instance: instance.instanceId, problems }).toEqual({ instance: instance.instanceId, problems: [] });
    }
  });

  /** SIGTERM, then what it came to; the instance must be gone from /services once it exited. */
  async function stop(instance: Instance): Promise<Stop> {
    const started = Date.now();
    await system.kill(instance, 'SIGTERM');
    const ms = Date.now() - started;
    const find = (text: string) => instance.output.findIndex((line) => line.includes(text));
    const drained = /Drained in (\d+) ms: (\d+) request\(s\) and (\d+) event\(s\) under way finished, (\d+) request\(s\) handed back/.exec(instance.output[find('Drained in')] ?? '');
    const [left, stopped] = [find('Left the registry'), find('Stopped in')];
    const record: Stop = {
      at: new Date(started).toISOString(),
      process: instance.process,
      instanceId: instance.instanceId,
      exitCode: instance.child.exitCode,
      ms,
      drainedMs: drained ? Number(drained[1]) : undefined,
      requests: drained ? Number(drained[2]) : 0,
      events: drained ? Number(drained[3]) : 0,
      handedBack: drained ? Number(drained[4]) : 0,
      inOrder: left >= 0 && stopped > left && (!drained || (find('Drained in') > left && stopped > find('Drained in'))),
    };
    stops.push(record);
    const services = await pool.send('GET', '/services', { token: admin });
    const listed = (services.body.services as { instances: { instanceId: string }[] }[]).flatMap((s) => s.instances.map((i) => i.instanceId));
    expect(listed).not.toContain(instance.instanceId);
    return record;
  }

  it('restarts every process one instance at a time under steady checkouts and reads: no request fails, the books add up', async () => {
    const product = await createProduct(system.gatewayUrl, admin, { stock: STOCK });
    const placed: Placed[] = [];
    const shoppers: ({ id: string; token: string; orders: number } | undefined)[] = [];
    let sequence = 0;

    // Four workers: a checkout, a product page, a cart; a new customer every 15 checkouts.
    const load = new SteadyLoad(4, async (worker, run) => {
      let shopper = shoppers[worker];
      if (!shopper || shopper.orders >= 15) {
        const email = `roll-${Date.now()}-${++sequence}@example.com`;
        const registered = await run('register', () => pool.send('POST', '/auth/register', { body: { email, password: 'correct-horse-battery' } }));
        const login = registered?.status === 201 ? await run('login', () => pool.send('POST', '/auth/login', { body: { email, password: 'correct-horse-battery' } })) : undefined;
        shoppers[worker] = shopper = login?.status === 200 ? { id: registered!.body.id, token: login.body.accessToken, orders: 0 } : undefined;
        if (!shopper) return;
      }
      const { token } = shopper;
      const order = await run('checkout', () => pool.send('POST', '/orders', { token, body: { items: [{ productId: product.id, quantity: 1 }] } }));
      if (order?.status === 201) {
        placed.push({ orderId: order.body.id, userId: shopper.id, token });
        shopper.orders++;
      }
      await run('product', () => pool.send('GET', `/products/${product.id}`));
      await run('cart', () => pool.send('GET', '/cart', { token }));
    });

    try {
      await load.answered(20);
      // A module with a second instance: one of three catalog instances stops, nothing replaces it.
      await stop(system.instancesOf('catalog')[0]);
      await load.answered(10);
      // Then every process, as a rolling update does it: a new instance ready, then an old one stopped.
      const order = ['users', 'catalog', 'cart', 'payments', 'orders', 'notifications', 'gateway'];
      for (const name of order) {
        for (const old of [...system.instancesOf(name)]) {
          const fresh = await system.startInstance(name);
          if (name === 'gateway') pool.add(fresh.url);
          await load.answered(8);
          await stop(old);
          await load.answered(8);
        }
      }
    } finally {
      await load.stop();
    }

    const failures = load.failures();
    summary = `Rolling restart: ${load.outcomes.length} requests (${placed.length} checkouts), ${failures.length} failed`;
    expect({ failures, of: load.outcomes.length }).toEqual({ failures: [], of: load.outcomes.length });
    expect(load.outcomes.filter((o) => o.what === 'checkout' && o.status !== 201)).toEqual([]);
    for (const s of stops) {
      expect(s).toMatchObject({ exitCode: 0, inOrder: true });
      expect(s.ms).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
    }

    // The books: every order final and confirmed, stock and payments to match, one notification each.
    const url = system.gatewayUrl;
    const orders = await eventually(async () => {
      const all: { id: string; status: string }[] = [];
      for (let offset = 0; ; offset += 100) {
        const page = (await request(url).get('/orders/all').query({ limit: 100, offset }).set('Authorization', `Bearer ${admin}`).expect(200)).body.items;
        all.push(...page);
        if (page.length < 100) break;
      }
      expect(all.filter((o) => o.status !== 'CONFIRMED')).toEqual([]);
      return all;
    }, 30_000);
    expect(orders.map((o) => o.id).sort()).toEqual(placed.map((p) => p.orderId).sort());
    expect((await request(url).get(`/products/${product.id}`).expect(200)).body.stock).toBe(STOCK - placed.length);
    for (const { orderId, token } of placed) {
      const payment = await request(url).get(`/orders/${orderId}/payment`).set('Authorization', `Bearer ${token}`).expect(200);
      expect(payment.body.status).toBe('CHARGED');
    }
    const byShopper = new Map<string, Placed[]>();
    for (const p of placed) byShopper.set(p.token, [...(byShopper.get(p.token) ?? []), p]);
    await eventually(async () => {
      for (const [token, mine] of byShopper) {
        const feed = (await request(url).get('/notifications').query({ limit: 100 }).set('Authorization', `Bearer ${token}`).expect(200)).body as { kind: string; message: string }[];
        for (const { orderId } of mine) {
          expect({ orderId, confirmed: feed.filter((n) => n.kind === 'order.confirmed' && n.message.includes(orderId)).length }).toEqual({ orderId, confirmed: 1 });
        }
      }
    }, 30_000);
  }, 600_000);
});
