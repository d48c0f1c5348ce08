import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { CleaveSystem } from '../support/system';
import { adminToken, createProduct, registerAndLogin, Shopper } from './shop.flows';

/**
 * The cart and its checkout, asserted identically whichever topology runs them: lines priced
 * from the catalog as it is now, and a checkout that turns the cart into a charged order.
 */
export function cartFlows(system: () => CleaveSystem): void {
  let url: string;
  let admin: string;
  let shopper: Shopper;

  const as = (who: Shopper | string) => `Bearer ${typeof who === 'string' ? who : who.token}`;
  const cart = (who: Shopper = shopper) => request(url).get('/cart').set('Authorization', as(who)).expect(200).then((res) => res.body);
  const add = (productId: string, quantity: number, who: Shopper = shopper) =>
    request(url).post('/cart/items').set('Authorization', as(who)).send({ productId, quantity });
  const checkout = (who: Shopper = shopper, body: Record<string, unknown> = {}, key?: string) => {
    const req = request(url).post('/cart/checkout').set('Authorization', as(who));
    return (key === undefined ? req : req.set('Idempotency-Key', key)).send(body);
  };

  beforeAll(async () => {
    url = system().gatewayUrl;
    admin = await adminToken(url);
  });

  beforeEach(async () => {
    shopper = await registerAndLogin(url, 'cart');
  });

  describe('cart', () => {
    it('is there for logged-in customers only', async () => {
      await request(url).get('/cart').expect(401);
      await request(url).post('/cart/items').send({ productId: randomUUID(), quantity: 1 }).expect(401);
      await request(url).post('/cart/checkout').expect(401);
      await expect(cart()).resolves.toEqual({ userId: shopper.id, items: [], totalCents: 0, checkoutReady: false });
    });

    it('adds, updates and removes lines, priced from the catalog', async () => {
      const widget = await createProduct(url, admin, { priceCents: 1250 });
      const gadget = await createProduct(url, admin, { priceCents: 299 });
      await add(widget.id, 2).expect(200);
      const added = await add(widget.id, 1).expect(200);
      expect(added.body.items).toEqual([expect.objectContaining({ productId: widget.id, quantity: 3, lineTotalCents: 3750 })]);
      await add(gadget.id, 1).expect(200);

      expect(await cart()).toEqual({
        userId: shopper.id,
        items: [
          { productId: widget.id, name: expect.stringMatching(/^Widget/), quantity: 3, unitPriceCents: 1250, currency: 'USD', lineTotalCents: 3750, available: true, inStock: 10 },
          { productId: gadget.id, name: expect.stringMatching(/^Widget/), quantity: 1, unitPriceCents: 299, currency: 'USD', lineTotalCents: 299, available: true, inStock: 10 },
        ],
        totalCents: 4049,
        currency: 'USD',
        checkoutReady: true,
      });

      const set = await request(url).put(`/cart/items/${widget.id}`).set('Authorization', as(shopper)).send({ quantity: 1 }).expect(200);
      expect(set.body).toMatchObject({ totalCents: 1250 + 299 });
      const zero = await request(url).put(`/cart/items/${gadget.id}`).set('Authorization', as(shopper)).send({ quantity: 0 }).expect(200);
      expect(zero.body.items.map((i: { productId: string }) => i.productId)).toEqual([widget.id]);
      const removed = await request(url).delete(`/cart/items/${widget.id}`).set('Authorization', as(shopper)).expect(200);
      expect(removed.body).toEqual({ userId: shopper.id, items: [], totalCents: 0, checkoutReady: false });
    });

    it('shows a line beyond the stock as unavailable, and the cart as not ready', async () => {
      const scarce = await createProduct(url, admin, { stock: 2 });
      await add(scarce.id, 3).expect(200);
      const view = await cart();
      expect(view.items).toEqual([expect.objectContaining({ productId: scarce.id, quantity: 3, available: false, inStock: 2 })]);
      expect(view.checkoutReady).toBe(false);
      await request(url).put(`/cart/items/${scarce.id}`).set('Authorization', as(shopper)).send({ quantity: 2 }).expect(200);
      expect(await cart()).toMatchObject({ items: [expect.objectContaining({ available: true })], checkoutReady: true });
    });

    it('follows price changes and deactivation in the catalog, and refuses an inactive product with 409', async () => {
      const product = await createProduct(url, admin, { priceCents: 1000 });
      await add(product.id, 2).expect(200);
      await request(url).patch(`/products/${product.id}`).set('Authorization', as(admin)).send({ priceCents: 1100 }).expect(200);
      expect(await cart()).toMatchObject({ items: [expect.objectContaining({ unitPriceCents: 1100, lineTotalCents: 2200 })], totalCents: 2200 });

      await request(url).patch(`/products/${product.id}`).set('Authorization', as(admin)).send({ active: false }).expect(200);
      expect(await cart()).toMatchObject({ items: [expect.objectContaining({ available: false })], checkoutReady: false });
      const refused = await add(product.id, 1).expect(409);
      expect(refused.body.message).toMatch(/not available/);
    });

    it('clears the cart', async () => {
      const product = await createProduct(url, admin);
      await add(product.id, 1).expect(200);
      const cleared = await request(url).delete('/cart').set('Authorization', as(shopper)).expect(200);
      expect(cleared.body).toEqual({ userId: shopper.id, items: [], totalCents: 0, checkoutReady: false });
      expect((await cart()).items).toEqual([]);
    });

    it('keeps each customer cart to themselves', async () => {
      const other = await registerAndLogin(url, 'cart-other');
      const product = await createProduct(url, admin);
      await add(product.id, 1).expect(200);
      expect((await cart(other)).items).toEqual([]);
      await request(url).delete('/cart').set('Authorization', as(other)).expect(200);
      expect((await cart()).items).toHaveLength(1);
    });

    it('answers 404 for an unknown product, 422 beyond 1000 units, 400 for malformed input', async () => {
      const product = await createProduct(url, admin);
      const unknown = await add(randomUUID(), 1).expect(404);
      expect(unknown.body.message).toMatch(/not found/);
      await add(product.id, 600).expect(200);
      const tooMany = await add(product.id, 401).expect(422);
      expect(tooMany.body.message).toMatch(/at most 1000/);

      await add('not-a-uuid', 1).expect(400);
      await add(product.id, 0).expect(400);
      await add(product.id, 1.5).expect(400);
      await request(url).post('/cart/items').set('Authorization', as(shopper)).send({ productId: product.id, quantity: 1, priceCents: 1 }).expect(400);
      await request(url).put('/cart/items/not-a-uuid').set('Authorization', as(shopper)).send({ quantity: 1 }).expect(400);
      await request(url).put(`/cart/items/${product.id}`).set('Authorization', as(shopper)).send({ quantity: -1 }).expect(400);
      await request(url).delete('/cart/items/not-a-uuid').set('Authorization', as(shopper)).expect(400);
      expect((await cart()).items).toEqual([expect.objectContaining({ quantity: 600 })]);
    });
  });

  describe('checkout', () => {
    it('turns the cart into a CONFIRMED order, empties the cart, takes the stock and charges the payment', async () => {
      const widget = await createProduct(url, admin, { priceCents: 1250, stock: 5 });
      const gadget = await createProduct(url, admin, { priceCents: 299, stock: 5 });
      await add(widget.id, 2).expect(200);
      await add(gadget.id, 1).expect(200);

      const res = await checkout().expect(201);
      expect(res.body).toMatchObject({
        userId: shopper.id,
        status: 'CONFIRMED',
        items: [
          { productId: widget.id, quantity: 2, unitPriceCents: 1250 },
          { productId: gadget.id, quantity: 1, unitPriceCents: 299 },
        ],
        totalCents: 2799,
        currency: 'USD',
      });
      expect(await cart()).toEqual({ userId: shopper.id, items: [], totalCents: 0, checkoutReady: false });
      expect((await request(url).get(`/products/${widget.id}`).expect(200)).body.stock).toBe(3);
      const order = await request(url).get(`/orders/${res.body.id}`).set('Authorization', as(shopper)).expect(200);
      expect(order.body.status).toBe('CONFIRMED');

      const payment = await request(url).get(`/orders/${res.body.id}/payment`).set('Authorization', as(shopper)).expect(200);
      expect(payment.body).toMatchObject({ orderId: res.body.id, userId: shopper.id, status: 'CHARGED', amountCents: 2799, currency: 'USD' });
    });

    it("shows a payment to its customer and to admins only", async () => {
      const product = await createProduct(url, admin);
      await add(product.id, 1).expect(200);
      const order = (await checkout().expect(201)).body;
      const other = await registerAndLogin(url, 'cart-other');
      await request(url).get(`/orders/${order.id}/payment`).set('Authorization', as(other)).expect(404);
      await request(url).get(`/orders/${order.id}/payment`).expect(401);
      await request(url).get('/orders/not-a-uuid/payment').set('Authorization', as(shopper)).expect(400);
      const seen = await request(url).get(`/orders/${order.id}/payment`).set('Authorization', as(admin)).expect(200);
      expect(seen.body).toMatchObject({ orderId: order.id, status: 'CHARGED' });
    });

    it('refuses an empty cart with 422', async () => {
      const res = await checkout().expect(422);
      expect(res.body.message).toMatch(/the cart is empty/i);
    });

    it('keeps the cart when stock is short (409)', async () => {
      const scarce = await createProduct(url, admin, { stock: 1 });
      await add(scarce.id, 2).expect(200);
      const res = await checkout().expect(409);
      expect(res.body.message).toMatch(/stock/i);
      expect((await cart()).items).toEqual([expect.objectContaining({ productId: scarce.id, quantity: 2 })]);
      expect((await request(url).get(`/products/${scarce.id}`).expect(200)).body.stock).toBe(1);
    });

    it('keeps the cart and the stock when the payment is declined (402)', async () => {
      const product = await createProduct(url, admin, { stock: 4 });
      await add(product.id, 2).expect(200);
      const res = await checkout(shopper, { paymentMethod: 'pm_card_declined' }).expect(402);
      expect(res.body.message).toMatch(/declined/);
      expect((await cart()).items).toEqual([expect.objectContaining({ productId: product.id, quantity: 2 })]);
      expect((await request(url).get(`/products/${product.id}`).expect(200)).body.stock).toBe(4);
    });

    it('answers a checkout retried with its Idempotency-Key with the same order, ordering once', async () => {
      const product = await createProduct(url, admin, { stock: 5 });
      await add(product.id, 2).expect(200);
      const key = `checkout-${randomUUID()}`;
      const first = await checkout(shopper, {}, key).expect(201);
      const again = await checkout(shopper, {}, key).expect(201);
      expect(again.body.id).toBe(first.body.id);
      expect((await request(url).get(`/products/${product.id}`).expect(200)).body.stock).toBe(3);
      expect((await cart()).items).toEqual([]);
    });

    it('refuses a malformed Idempotency-Key or payment method with 400, ordering nothing', async () => {
      const product = await createProduct(url, admin);
      await add(product.id, 1).expect(200);
      await checkout(shopper, {}, 'k'.repeat(101)).expect(400);
      await checkout(shopper, {}, 'clé').expect(400);
      await checkout(shopper, { paymentMethod: 42 }).expect(400);
      await checkout(shopper, { coupon: 'FREE' }).expect(400);
      expect((await cart()).items).toHaveLength(1);
    });
  });
}
