import request from 'supertest';
import { CleaveSystem, Instance, metricValue } from './support/system';
import { eventually } from './support/eventually';
import { PrivateRedis, startPrivateRedis } from './support/redis';
import { adminToken, createProduct, registerAndLogin, Shopper } from './flows/shop.flows';

interface Order {
  id: string;
  userId: string;
  status: string;
  cancelReason?: string;
}

async function stockOf(url: string, productId: string): Promise<number> {
  return (await request(url).get(`/products/${productId}`).expect(200)).body.stock;
}

async function ordersOf(url: string, admin: string, userId: string): Promise<Order[]> {
  return (await request(url).get('/orders/all').query({ userId }).set('Authorization', `Bearer ${admin}`).expect(200)).body.items;
}

describe('split: a checkout interrupted by a crash ends consistently', () => {
  let system: CleaveSystem;
  let url: string;
  let admin: string;

  beforeAll(async () => {
    // A short lease and recovery period, so the survivor takes over within the test's patience.
    system = await CleaveSystem.start('split', { env: { CLEAVE_SAGA_LEASE_MS: '1500', CLEAVE_SAGA_RECOVERY_MS: '200', CLEAVE_SAGA_MAX_BACKOFF_MS: '500' } });
    url = system.gatewayUrl;
    admin = await adminToken(url);
  });

  afterAll(async () => {
    await system?.stop();
  });

  /**
   * Starts an orders instance that holds every checkout at `point`, and kills it once one is
   * held there; answers the order as it stood just before.
   */
  async function crashAt(point: 'reserved' | 'charged', shopper: Shopper, productId: string): Promise<Order> {
    await system.stopProcess('orders');
    const doomed: Instance = await system.startInstance('orders', { CLEAVE_SAGA_PAUSE: `${point}=600000` });
    // The customer waits in vain: the saga is held in orders, which then dies.
    const answer = request(url).post('/orders').set('Authorization', `Bearer ${shopper.token}`).send({ items: [{ productId, quantity: 2 }] }).then((res) => res.status);
    await eventually(() => expect(doomed.output.some((line) => line.includes(`Saga paused 600000 ms after ${point}`))).toBe(true));
    const [held] = await ordersOf(url, admin, shopper.id);
    await system.kill(doomed, 'SIGKILL');
    expect(await answer).toBe(503);
    return held;
  }

  it('cancels an order whose process died between reserving stock and charging, and gives the stock back', async () => {
    const shopper = await registerAndLogin(url);
    const product = await createProduct(url, admin, { stock: 5 });
    const held = await crashAt('reserved', shopper, product.id);
    expect(held).toMatchObject({ status: 'PENDING' });
    expect(await stockOf(url, product.id)).toBe(3);

    await system.startInstance('orders');
    const order = await eventually(async () => {
      const [current] = await ordersOf(url, admin, shopper.id);
      expect(current.status).toBe('CANCELLED');
      return current;
    });
    expect(order.cancelReason).toMatch(/interrupted/);
    expect(await stockOf(url, product.id)).toBe(5);
    // Nothing was charged: payments never heard of the order.
    await request(url).get(`/orders/${order.id}/payment`).set('Authorization', `Bearer ${shopper.token}`).expect(404);
  });

  it('refunds an order whose process died after charging, and gives the stock back', async () => {
    const shopper = await registerAndLogin(url);
    const product = await createProduct(url, admin, { stock: 5 });
    const held = await crashAt('charged', shopper, product.id);
    expect(held).toMatchObject({ status: 'PENDING' });
    const charged = await request(url).get(`/orders/${held.id}/payment`).set('Authorization', `Bearer ${shopper.token}`).expect(200);
    expect(charged.body.status).toBe('CHARGED');

    await system.startInstance('orders');
    await eventually(async () => expect((await ordersOf(url, admin, shopper.id))[0].status).toBe('CANCELLED'));
    const payment = await request(url).get(`/orders/${held.id}/payment`).set('Authorization', `Bearer ${shopper.token}`).expect(200);
    expect(payment.body).toMatchObject({ status: 'REFUNDED', amountCents: 2 * 1250 });
    expect(await stockOf(url, product.id)).toBe(5);
  });
});

describe('Redis down while orders are placed: every event is delivered once it is back', () => {
  let redis: PrivateRedis;
  let system: CleaveSystem;
  let url: string;

  beforeAll(async () => {
    // Its own Redis, persistent like a production one, since the test kills it.
    redis = await startPrivateRedis({ persistent: true });
    // The shop runs in one process, so checkouts go on without Redis; notifications is
    // apart, and can hear of them only through the bus.
    system = await CleaveSystem.start('shop-and-notifications', { env: { REDIS_URL: redis.url, CLEAVE_OUTBOX_MAX_BACKOFF_MS: '300' } });
    url = system.gatewayUrl;
  });

  afterAll(async () => {
    await redis?.up().catch(() => undefined);
    await system?.stop();
    redis?.stop();
  });

  it('keeps the events of orders placed during the outage in the outboxes and relays them after', async () => {
    const admin = await adminToken(url);
    const product = await createProduct(url, admin, { stock: 100 });
    const before = await registerAndLogin(url);

    await redis.down();
    const during = await registerAndLogin(url);
    const placed: { shopper: Shopper; orderId: string }[] = [];
    for (const shopper of [before, during, before, during]) {
      const res = await request(url).post('/orders').set('Authorization', `Bearer ${shopper.token}`).send({ items: [{ productId: product.id, quantity: 1 }] }).expect(201);
      expect(res.body.status).toBe('CONFIRMED');
      placed.push({ shopper, orderId: res.body.id });
    }
    const [shop] = system.instancesOf('shop');
    await eventually(async () => expect(await metricValue(shop, 'cleave_outbox_backlog', { module: 'orders' })).toBeGreaterThanOrEqual(4));
    expect(await metricValue(shop, 'cleave_outbox_backlog', { module: 'payments' })).toBeGreaterThanOrEqual(4);

    await redis.up();
    await eventually(async () => {
      for (const { shopper, orderId } of placed) {
        const feed = (await request(url).get('/notifications').set('Authorization', `Bearer ${shopper.token}`).expect(200)).body as { kind: string; message: string }[];
        const about = feed.filter((n) => n.message.includes(orderId.slice(0, 8)) || n.message.includes(orderId)).map((n) => n.kind);
        expect(about).toEqual(expect.arrayContaining(['order.confirmed', 'payment.charged']));
      }
      const welcome = (await request(url).get('/notifications').set('Authorization', `Bearer ${during.token}`).expect(200)).body as { kind: string }[];
      expect(welcome.some((n) => n.kind === 'welcome')).toBe(true);
    }, 20_000);
    await eventually(async () => expect(await metricValue(shop, 'cleave_outbox_backlog', { module: 'orders' })).toBe(0));
  });
});

describe('split: Redis dies in the middle of checkouts', () => {
  let redis: PrivateRedis;
  let system: CleaveSystem;
  let url: string;

  beforeAll(async () => {
    redis = await startPrivateRedis({ persistent: true });
    system = await CleaveSystem.start('split', {
      env: { REDIS_URL: redis.url, CLEAVE_SAGA_RECOVERY_MS: '200', CLEAVE_SAGA_MAX_BACKOFF_MS: '500', CLEAVE_OUTBOX_MAX_BACKOFF_MS: '300', CLEAVE_PAYMENTS_LATENCY_MS: '50' },
    });
    url = system.gatewayUrl;
  });

  afterAll(async () => {
    await redis?.up().catch(() => undefined);
    await system?.stop();
    redis?.stop();
  });

  it('ends every order CONFIRMED or CANCELLED, consistent with stock, payments and notifications', async () => {
    const admin = await adminToken(url);
    const product = await createProduct(url, admin, { stock: 100 });
    const shoppers = await Promise.all(Array.from({ length: 4 }, () => registerAndLogin(url)));

    // Checkouts keep coming while Redis goes away and comes back; some are cut mid-saga.
    let placing = true;
    const answers: number[] = [];
    const load = Promise.all(
      shoppers.map(async (shopper) => {
        while (placing) answers.push((await placeOrderQuietly(url, shopper, product.id)) ?? 0);
      }),
    );
    await eventually(() => expect(answers.filter((s) => s === 201).length).toBeGreaterThanOrEqual(4));
    await redis.down();
    // The checkouts in flight when Redis died wait out their 10 s budget (placeOrder in
    // config/resilience.json) before they answer; later ones fail at once.
    await eventually(() => expect(answers.filter((s) => s !== 201).length).toBeGreaterThanOrEqual(4), 25_000);
    await redis.up();
    await eventually(() => expect(answers.slice(-4)).toEqual([201, 201, 201, 201]), 20_000);
    placing = false;
    await load;

    const orders = await eventually(async () => {
      const all = (await request(url).get('/orders/all').query({ limit: 100 }).set('Authorization', `Bearer ${admin}`).expect(200)).body.items as Order[];
      expect(all.filter((o) => o.status === 'PENDING')).toEqual([]);
      return all;
    }, 30_000);
    const confirmed = orders.filter((o) => o.status === 'CONFIRMED');
    expect(confirmed.length + orders.filter((o) => o.status === 'CANCELLED').length).toBe(orders.length);
    expect(await stockOf(url, product.id)).toBe(100 - confirmed.length);

    const token = new Map(shoppers.map((s) => [s.id, s.token]));
    await eventually(async () => {
      for (const order of orders) {
        const auth = { Authorization: `Bearer ${token.get(order.userId)}` };
        const payment = await request(url).get(`/orders/${order.id}/payment`).set(auth);
        if (order.status === 'CONFIRMED') expect(payment.body.status).toBe('CHARGED');
        else expect(payment.status === 404 || ['REFUNDED', 'VOIDED', 'DECLINED'].includes(payment.body.status)).toBe(true);
        const feed = (await request(url).get('/notifications').query({ limit: 100 }).set(auth).expect(200)).body as { kind: string; message: string }[];
        const kinds = feed.filter((n) => n.message.includes(order.id)).map((n) => n.kind);
        expect(kinds).toContain(order.status === 'CONFIRMED' ? 'order.confirmed' : 'order.cancelled');
      }
    }, 30_000);
    // Each wait above is bounded by what it waits for; together more than the 60 s default.
  }, 150_000);
});

/** A checkout's status code, or undefined when the connection itself failed. */
async function placeOrderQuietly(url: string, shopper: Shopper, productId: string): Promise<number | undefined> {
  try {
    const res = await request(url).post('/orders').set('Authorization', `Bearer ${shopper.token}`).send({ items: [{ productId, quantity: 1 }] });
    return res.status;
  } catch {
    return undefined;
  }
}
