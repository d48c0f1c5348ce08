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
