import request from 'supertest';
import { ADMIN, CleaveSystem } from '../support/system';
import { eventually } from '../support/eventually';

export interface Shopper {
  id: string;
  email: string;
  token: string;
}

let sequence = 0;

export async function registerAndLogin(url: string, prefix = 'shopper'): Promise<Shopper> {
  const email = `${prefix}-${Date.now()}-${++sequence}@example.com`;
  const password = 'correct-horse-battery';
  const registered = await request(url).post('/auth/register').send({ email, password }).expect(201);
  const login = await request(url).post('/auth/login').send({ email, password }).expect(200);
  return { id: registered.body.id, email, token: login.body.accessToken };
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
      expect(res.body).toMatchObject({ email, role: 'customer' });
      expect(res.body.id).toEqual(expect.any(String));
      expect(JSON.stringify(res.body)).not.toMatch(/password|hash/i);
    });

    it('refuses a second account with the same email with 409', async () => {
      const email = `twice-${Date.now()}@example.com`;
      await request(url).post('/auth/register').send({ email, password: 'long-enough-pw' }).expect(201);
      const res = await request(url).post('/auth/register').send({ email: email.toUpperCase(), password: 'long-enough-pw' }).expect(409);
      expect(res.body.message).toMatch(/already|taken|exists/i);
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

  describe('catalog', () => {
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

  describe('orders and notifications', () => {
    it('places an order at catalog prices, takes the stock and notifies the customer', async () => {
      const shopper = await registerAndLogin(url);
      const a = await createProduct(url, admin, { priceCents: 1000, stock: 5 });
      const b = await createProduct(url, admin, { priceCents: 250, stock: 5 });
      const res = await request(url)
        .post('/orders')
        .set('Authorization', `Bearer ${shopper.token}`)
        .send({ items: [{ productId: a.id, quantity: 2 }, { productId: b.id, quantity: 1 }] })
        .expect(201);
      expect(res.body).toMatchObject({ userId: shopper.id, status: 'PLACED', totalCents: 2250, currency: 'USD' });
      expect((await request(url).get(`/products/${a.id}`)).body.stock).toBe(3);

      const read = await request(url).get(`/orders/${res.body.id}`).set('Authorization', `Bearer ${shopper.token}`).expect(200);
      expect(read.body.id).toBe(res.body.id);

      const notifications = await eventually(async () => {
        const list = await request(url).get('/notifications').set('Authorization', `Bearer ${shopper.token}`).expect(200);
        const mine = list.body.filter((n: { message: string }) => n.message.includes(res.body.id));
        if (mine.length !== 1) throw new Error(`expected one notification for the order, got ${JSON.stringify(list.body)}`);
        return mine;
      });
      expect(notifications[0]).toMatchObject({ userId: shopper.id, kind: 'order.placed' });
    });

    it('refuses an order beyond the stock with 409 and takes nothing', async () => {
      const shopper = await registerAndLogin(url);
      const a = await createProduct(url, admin, { stock: 5 });
      const b = await createProduct(url, admin, { stock: 1 });
      const res = await request(url)
        .post('/orders')
        .set('Authorization', `Bearer ${shopper.token}`)
        .send({ items: [{ productId: a.id, quantity: 2 }, { productId: b.id, quantity: 2 }] })
        .expect(409);
      expect(res.body.message).toMatch(/stock/i);
      expect((await request(url).get(`/products/${a.id}`)).body.stock).toBe(5);
      expect((await request(url).get(`/products/${b.id}`)).body.stock).toBe(1);
    });

    it('never sells more than the stock when customers race for the last units', async () => {
      const shoppers = await Promise.all(Array.from({ length: 8 }, () => registerAndLogin(url, 'racer')));
      const product = await createProduct(url, admin, { stock: 3 });
      const results = await Promise.all(
        shoppers.map((s) => request(url).post('/orders').set('Authorization', `Bearer ${s.token}`).send({ items: [{ productId: product.id, quantity: 1 }] })),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([201, 201, 201, 409, 409, 409, 409, 409]);
      expect((await request(url).get(`/products/${product.id}`)).body.stock).toBe(0);
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
      const order = await request(url).post('/orders').set('Authorization', `Bearer ${owner.token}`).send({ items: [{ productId: product.id, quantity: 1 }] }).expect(201);
      await request(url).get(`/orders/${order.body.id}`).set('Authorization', `Bearer ${other.token}`).expect(404);
      await request(url).get('/orders/00000000-0000-4000-8000-000000000000').set('Authorization', `Bearer ${owner.token}`).expect(404);
    });
  });
}
