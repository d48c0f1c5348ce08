import request from 'supertest';
import { ADMIN, CleaveSystem } from '../support/system';
import { eventually } from '../support/eventually';

export interface Shopper {
  id: string;
  email: string;
  token: string;
  refreshToken: string;
}

let sequence = 0;

export async function registerAndLogin(url: string, prefix = 'shopper'): Promise<Shopper> {
  const email = `${prefix}-${Date.now()}-${++sequence}@example.com`;
  const password = 'correct-horse-battery';
  await request(url).post('/auth/register').send({ email, password }).expect(201);
  const login = await request(url).post('/auth/login').send({ email, password }).expect(200);
  return { id: login.body.user.id, email, token: login.body.accessToken, refreshToken: login.body.refreshToken };
}

export async function adminToken(url: string): Promise<string> {
  const res = await request(url).post('/auth/login').send(ADMIN).expect(200);
  return res.body.accessToken;
}

export async function createProduct(url: string, token: string, overrides: Record<string, unknown> = {}): Promise<{ id: string; stock: number; priceCents: number }> {
  const res = await request(url)
    .post('/products')
    .set('Authorization', `Bearer ${token}`)
    .send({ name: `Widget ${++sequence}`, description: 'A fine widget', priceCents: 1250, currency: 'USD', stock: 10, ...overrides })
    .expect(201);
  return res.body;
}

/**
 * The thin slice of the shop, asserted identically whichever topology runs it: what works
 * in one process must work split.
 */
export function shopFlows(system: () => CleaveSystem): void {
  let url: string;
  let admin: string;

  beforeAll(async () => {
    url = system().gatewayUrl;
    admin = await adminToken(url);
  });

  describe('users and auth', () => {
    it('registers a customer and never returns the password', async () => {
      const email = `new-${Date.now()}@example.com`;
      const res = await request(url).post('/auth/register').send({ email, password: 'long-enough-pw' }).expect(201);
      expect(res.body).toEqual({ email, name: email.split('@')[0] });
      const login = await request(url).post('/auth/login').send({ email, password: 'long-enough-pw' }).expect(200);
      expect(login.body.user).toMatchObject({ id: expect.any(String), email, role: 'customer' });
      expect(JSON.stringify(res.body)).not.toMatch(/password|hash/i);
    });

    it('answers a second registration of an email exactly like the first, makes no account and tells the owner', async () => {
      const email = `twice-${Date.now()}@example.com`;
      const first = await request(url).post('/auth/register').send({ email, password: 'long-enough-pw' }).expect(201);
      const second = await request(url).post('/auth/register').send({ email: email.toUpperCase(), password: 'another-password' }).expect(201);
      // What a new account of that spelling would answer: the email normalised, the name as typed.
      expect(first.body).toEqual({ email, name: email.split('@')[0] });
      expect(second.body).toEqual({ email, name: email.toUpperCase().split('@')[0] });
      await request(url).post('/auth/login').send({ email, password: 'another-password' }).expect(401);
      const owner = await request(url).post('/auth/login').send({ email, password: 'long-enough-pw' }).expect(200);
      await eventually(async () => {
        const mine = (await request(url).get('/notifications').set('Authorization', `Bearer ${owner.body.accessToken}`).expect(200)).body as { kind: string }[];
        expect(mine.map((n) => n.kind)).toContain('address-claimed');
      });
    });

    it('answers bad input with 400 and a message', async () => {
      const res = await request(url).post('/auth/register').send({ email: 'not-an-email', password: 'short' }).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(/email/i);
      await request(url).post('/auth/register').set('Content-Type', 'application/json').send('{"email": ').expect(400);
    });

    it('logs in with a JWT and rejects a wrong password with 401', async () => {
      const shopper = await registerAndLogin(url);
      expect(shopper.token.split('.')).toHaveLength(3);
      await request(url).post('/auth/login').send({ email: shopper.email, password: 'wrong-password' }).expect(401);
    });

    it('serves the profile to its owner only', async () => {
      const shopper = await registerAndLogin(url);
      const me = await request(url).get('/users/me').set('Authorization', `Bearer ${shopper.token}`).expect(200);
      expect(me.body).toMatchObject({ id: shopper.id, email: shopper.email, role: 'customer' });
      await request(url).get('/users/me').expect(401);
      await request(url).get('/users/me').set('Authorization', 'Bearer not.a.token').expect(401);
    });
  });

  describe('catalog basics', () => {
    it('lets an admin create products and nobody else', async () => {
      const shopper = await registerAndLogin(url);
      await request(url).post('/products').set('Authorization', `Bearer ${shopper.token}`).send({ name: 'X', priceCents: 100 }).expect(403);
      await request(url).post('/products').send({ name: 'X', priceCents: 100 }).expect(401);
      const product = await createProduct(url, admin, { stock: 4 });
      expect(product).toMatchObject({ priceCents: 1250, currency: 'USD', stock: 4 });
    });

    it('rejects an invalid product with 400', async () => {
      const res = await request(url).post('/products').set('Authorization', `Bearer ${admin}`).send({ name: '', priceCents: 12.5 }).expect(400);
      expect(JSON.stringify(res.body.message)).toMatch(/priceCents/);
    });

    it('lists and reads products with their stock', async () => {
      const product = await createProduct(url, admin, { stock: 7 });
      const one = await request(url).get(`/products/${product.id}`).expect(200);
      expect(one.body).toMatchObject({ id: product.id, stock: 7 });
      const page = await request(url).get('/products?limit=100').expect(200);
      expect(page.body.total).toBeGreaterThanOrEqual(1);
      expect(page.body.items.map((p: { id: string }) => p.id)).toContain(product.id);
      await request(url).get('/products?limit=1000').expect(400);
    });

    it('answers 404 for an unknown product and 400 for a malformed id', async () => {
      const res = await request(url).get('/products/00000000-0000-4000-8000-000000000000').expect(404);
      expect(res.body.message).toMatch(/not found/i);
      await request(url).get('/products/not-a-uuid').expect(400);
    });
  });

  describe('customer journey', () => customerJourney(system));

  describe('admin journey', () => {
    it('manages products and stock, and moves an order to delivery', async () => {
      const product = await createProduct(url, admin, { stock: 2, priceCents: 1000 });
      const adminAuth = { Authorization: `Bearer ${admin}` };
      await request(url).patch(`/products/${product.id}`).set(adminAuth).send({ priceCents: 1200 }).expect(200);
      expect((await request(url).get(`/products/${product.id}`).expect(200)).body.priceCents).toBe(1200);
      await request(url).post(`/products/${product.id}/stock`).set(adminAuth).send({ delta: 3 }).expect(200);
      expect(await stockOf(url, product.id)).toBe(5);

      const shopper = await registerAndLogin(url);
      const order = (await placeOrder(url, shopper, product.id, 1).expect(201)).body;
      expect(order.totalCents).toBe(1200);
      const all = await request(url).get('/orders/all').query({ userId: shopper.id }).set(adminAuth).expect(200);
      expect(all.body.items.map((o: { id: string }) => o.id)).toEqual([order.id]);
      await request(url).get('/orders/all').set('Authorization', `Bearer ${shopper.token}`).expect(403);
      await request(url).patch(`/orders/${order.id}/status`).set('Authorization', `Bearer ${shopper.token}`).send({ status: 'SHIPPED' }).expect(403);

      await request(url).patch(`/orders/${order.id}/status`).set(adminAuth).send({ status: 'DELIVERED' }).expect(409);
      for (const status of ['PAID', 'SHIPPED', 'DELIVERED']) {
        const moved = await request(url).patch(`/orders/${order.id}/status`).set(adminAuth).send({ status }).expect(200);
        expect(moved.body.status).toBe(status);
      }
      const late = await request(url).post(`/orders/${order.id}/cancel`).set('Authorization', `Bearer ${shopper.token}`).send({}).expect(409);
      expect(late.body.message).toMatch(/delivered/);
      await eventually(async () => {
        const kinds = ((await request(url).get('/notifications').set('Authorization', `Bearer ${shopper.token}`).expect(200)).body as Notification[]).map((n) => n.kind);
        expect(kinds).toEqual(expect.arrayContaining(['order.paid', 'order.shipped', 'order.delivered']));
      });

      // Deactivated: out of the list, and no longer for sale.
      await request(url).delete(`/products/${product.id}`).set(adminAuth).expect(200);
      const listed = await request(url).get('/products').query({ limit: 100, q: (product as { name?: string }).name ?? '' }).expect(200);
      expect(listed.body.items.map((p: { id: string }) => p.id)).not.toContain(product.id);
      await placeOrder(url, shopper, product.id, 1).expect(409);
    });

    it('lets a customer cancel before shipping: refunded and restocked', async () => {
      const product = await createProduct(url, admin, { stock: 4 });
      const shopper = await registerAndLogin(url);
      const order = (await placeOrder(url, shopper, product.id, 3).expect(201)).body;
      expect(await stockOf(url, product.id)).toBe(1);
      const cancelled = await request(url).post(`/orders/${order.id}/cancel`).set('Authorization', `Bearer ${shopper.token}`).send({ reason: 'Found it cheaper' }).expect(200);
      expect(cancelled.body).toMatchObject({ status: 'CANCELLED', cancelReason: 'Found it cheaper' });
      expect(await stockOf(url, product.id)).toBe(4);
      const payment = await request(url).get(`/orders/${order.id}/payment`).set('Authorization', `Bearer ${shopper.token}`).expect(200);
      expect(payment.body.status).toBe('REFUNDED');
      await eventually(async () => {
        const kinds = ((await request(url).get('/notifications').set('Authorization', `Bearer ${shopper.token}`).expect(200)).body as Notification[]).map((n) => n.kind);
        expect(kinds).toEqual(expect.arrayContaining(['order.cancelled', 'payment.refunded']));
      });
    });
  });

  describe('failure journeys', () => {
    it('cancels on a declined payment with 402 and puts the stock back', async () => {
      const product = await createProduct(url, admin, { stock: 3 });
      const shopper = await registerAndLogin(url);
      const res = await placeOrder(url, shopper, product.id, 2, { paymentMethod: 'pm_card_declined' }).expect(402);
      expect(res.body.message).toMatch(/declined/i);
      const [order] = (await request(url).get('/orders').set('Authorization', `Bearer ${shopper.token}`).expect(200)).body.items;
      expect(order).toMatchObject({ status: 'CANCELLED', cancelReason: expect.stringMatching(/declined/i) });
      expect(await stockOf(url, product.id)).toBe(3);
      const payment = await request(url).get(`/orders/${order.id}/payment`).set('Authorization', `Bearer ${shopper.token}`).expect(200);
      expect(payment.body.status).toBe('DECLINED');
    });

    it('answers out of stock with 409, charges nothing and takes nothing', async () => {
      const plenty = await createProduct(url, admin, { stock: 5 });
      const scarce = await createProduct(url, admin, { stock: 1 });
      const shopper = await registerAndLogin(url);
      const res = await request(url)
        .post('/orders')
        .set('Authorization', `Bearer ${shopper.token}`)
        .send({ items: [{ productId: plenty.id, quantity: 2 }, { productId: scarce.id, quantity: 2 }] })
        .expect(409);
      expect(res.body.message).toMatch(/stock/i);
      expect(await stockOf(url, plenty.id)).toBe(5);
      expect(await stockOf(url, scarce.id)).toBe(1);
      const [order] = (await request(url).get('/orders').set('Authorization', `Bearer ${shopper.token}`).expect(200)).body.items;
      expect(order.status).toBe('CANCELLED');
      await request(url).get(`/orders/${order.id}/payment`).set('Authorization', `Bearer ${shopper.token}`).expect(404);
    });

    it('places one order for a repeated Idempotency-Key', async () => {
      const product = await createProduct(url, admin, { stock: 10 });
      const shopper = await registerAndLogin(url);
      const key = `key-${Date.now()}-${++sequence}`;
      const first = await placeOrder(url, shopper, product.id, 2, {}, key).expect(201);
      const again = await placeOrder(url, shopper, product.id, 2, {}, key).expect(201);
      expect(again.body).toEqual(first.body);
      const together = await Promise.all([placeOrder(url, shopper, product.id, 2, {}, `${key}-b`), placeOrder(url, shopper, product.id, 2, {}, `${key}-b`)]);
      expect(together.map((r) => r.status).sort()).toEqual(expect.arrayContaining([201]));
      const history = (await request(url).get('/orders').set('Authorization', `Bearer ${shopper.token}`).expect(200)).body;
      expect(history.total).toBe(2);
      expect(await stockOf(url, product.id)).toBe(6);
      await placeOrder(url, shopper, product.id, 3, {}, key).expect(422);
      await placeOrder(url, shopper, product.id, 1, {}, 'k'.repeat(101)).expect(400);
    });

    it('sells the last unit to exactly one of many concurrent checkouts', async () => {
      const product = await createProduct(url, admin, { stock: 1 });
      // One after another: six password hashes at once can outlast a bus deadline on a loaded machine, and the race is the checkouts.
      const shoppers = [];
      for (let i = 0; i < 6; i++) shoppers.push(await registerAndLogin(url, 'racer'));
      for (const s of shoppers) await request(url).post('/cart/items').set('Authorization', `Bearer ${s.token}`).send({ productId: product.id, quantity: 1 }).expect(200);
      const results = await Promise.all(shoppers.map((s) => request(url).post('/cart/checkout').set('Authorization', `Bearer ${s.token}`).send({})));
      expect(results.map((r) => r.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
      expect(await stockOf(url, product.id)).toBe(0);
    });

    it('answers 404 for an unknown product and 400 for a malformed order', async () => {
      const shopper = await registerAndLogin(url);
      const auth = { Authorization: `Bearer ${shopper.token}` };
      await request(url).post('/orders').set(auth).send({ items: [{ productId: '00000000-0000-4000-8000-000000000000', quantity: 1 }] }).expect(404);
      await request(url).post('/orders').set(auth).send({ items: [] }).expect(400);
      await request(url).post('/orders').set(auth).send({ items: [{ productId: 'nope', quantity: 0 }] }).expect(400);
      await request(url).post('/orders').send({ items: [] }).expect(401);
    });

    it("hides another customer's order behind a 404", async () => {
      const owner = await registerAndLogin(url);
      const other = await registerAndLogin(url);
      const product = await createProduct(url, admin);
      const order = await placeOrder(url, owner, product.id, 1).expect(201);
      await request(url).get(`/orders/${order.body.id}`).set('Authorization', `Bearer ${other.token}`).expect(404);
      await request(url).post(`/orders/${order.body.id}/cancel`).set('Authorization', `Bearer ${other.token}`).send({}).expect(404);
      await request(url).get(`/orders/${order.body.id}/payment`).set('Authorization', `Bearer ${other.token}`).expect(404);
    });
  });
}

let journeys = 0;

/**
 * A customer's whole way through the shop: browse, search, cart, checkout, notified live.
 * Self-contained, so a suite may run it again (after a Redis failover, say).
 */
export function customerJourney(system: () => CleaveSystem): void {
  it('registers, browses, searches, fills a cart, checks out, and hears about it live', async () => {
    const url = system().gatewayUrl;
    const admin = await adminToken(url);
    const tag = `journey${Date.now()}${++journeys}`;
    const lamp = await createProduct(url, admin, { name: `${tag} desk lamp`, description: 'Warm light', category: tag, priceCents: 4500, stock: 5 });
    const bulb = await createProduct(url, admin, { name: `${tag} bulb`, description: 'Spare for the lamp', category: tag, priceCents: 350, stock: 20 });
    const shopper = await registerAndLogin(url);
    const auth = { Authorization: `Bearer ${shopper.token}` };

    // Browse a category, cheapest first, and search by description.
    const category = await request(url).get('/products').query({ category: tag, sort: 'price' }).expect(200);
    expect(category.body.items.map((p: { id: string }) => p.id)).toEqual([bulb.id, lamp.id]);
    const search = await request(url).get('/products').query({ q: 'SPARE FOR', category: tag }).expect(200);
    expect(search.body.items.map((p: { id: string }) => p.id)).toEqual([bulb.id]);

    // A cart with current prices and availability.
    await request(url).post('/cart/items').set(auth).send({ productId: lamp.id, quantity: 1 }).expect(200);
    await request(url).post('/cart/items').set(auth).send({ productId: bulb.id, quantity: 2 }).expect(200);
    await request(url).post('/cart/items').set(auth).send({ productId: bulb.id, quantity: 1 }).expect(200);
    const cart = await request(url).get('/cart').set(auth).expect(200);
    expect(cart.body).toMatchObject({ totalCents: 4500 + 3 * 350, currency: 'USD', checkoutReady: true });
    expect(cart.body.items).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ productId: lamp.id, quantity: 1, unitPriceCents: 4500, available: true }),
        expect.objectContaining({ productId: bulb.id, quantity: 3, lineTotalCents: 1050, available: true }),
      ]),
    );

    // Live notifications from here on.
    const stream = await openNotificationStream(url, shopper.token);
    try {
      const checkout = await request(url).post('/cart/checkout').set(auth).set('Idempotency-Key', `${tag}-checkout`).send({}).expect(201);
      const order = checkout.body;
      expect(order).toMatchObject({ userId: shopper.id, status: 'CONFIRMED', totalCents: 5550, currency: 'USD' });
      expect((await request(url).get('/cart').set(auth).expect(200)).body.items).toEqual([]);
      expect(await stockOf(url, lamp.id)).toBe(4);
      expect(await stockOf(url, bulb.id)).toBe(17);

      const history = await request(url).get('/orders').set(auth).expect(200);
      expect(history.body.items.map((o: { id: string }) => o.id)).toEqual([order.id]);
      const payment = await request(url).get(`/orders/${order.id}/payment`).set(auth).expect(200);
      expect(payment.body).toMatchObject({ status: 'CHARGED', amountCents: 5550, currency: 'USD' });

      const pushed = await stream.waitFor((n) => n.kind === 'order.confirmed' && n.message.includes(order.id));
      expect(pushed.userId).toBe(shopper.id);
      const feed = await eventually(async () => {
        const list = (await request(url).get('/notifications').set(auth).expect(200)).body as Notification[];
        expect(list.map((n) => n.kind)).toEqual(expect.arrayContaining(['welcome', 'order.confirmed', 'payment.charged']));
        return list;
      });
      expect(feed.every((n) => n.userId === shopper.id)).toBe(true);
    } finally {
      stream.close();
    }
  });
}

export interface Notification {
  id: string;
  userId: string;
  kind: string;
  message: string;
  seq: number;
}

export async function stockOf(url: string, productId: string): Promise<number> {
  return (await request(url).get(`/products/${productId}`).expect(200)).body.stock;
}

export function placeOrder(url: string, shopper: Shopper, productId: string, quantity: number, extra: Record<string, unknown> = {}, idempotencyKey?: string): request.Test {
  const call = request(url).post('/orders').set('Authorization', `Bearer ${shopper.token}`);
  if (idempotencyKey) call.set('Idempotency-Key', idempotencyKey);
  return call.send({ items: [{ productId, quantity }], ...extra });
}

/** GET /notifications/stream, read as Server-Sent Events. */
export async function openNotificationStream(url: string, token: string): Promise<{ waitFor(match: (n: Notification) => boolean): Promise<Notification>; close(): void }> {
  const controller = new AbortController();
  const response = await fetch(`${url}/notifications/stream`, { headers: { Authorization: `Bearer ${token}`, Accept: 'text/event-stream' }, signal: controller.signal });
  if (response.status !== 200 || !response.body) throw new Error(`the stream answered ${response.status}`);
  const received: Notification[] = [];
  const waiters: { match: (n: Notification) => boolean; resolve: (n: Notification) => void }[] = [];
  void (async () => {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = block.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n');
          if (!data) continue;
          let parsed: Notification;
          try {
            parsed = JSON.parse(data);
          } catch {
            continue;
          }
          if (!parsed || typeof parsed.kind !== 'string') continue;
          received.push(parsed);
          for (const waiter of [...waiters]) {
            if (waiter.match(parsed)) {
              waiters.splice(waiters.indexOf(waiter), 1);
              waiter.resolve(parsed);
            }
          }
        }
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    waitFor(match) {
      const seen = received.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve) => waiters.push({ match, resolve }));
    },
    close: () => controller.abort(),
  };
}
