import { ConflictError, NotFoundError, ValidationError } from '@cleave/contracts/kernel/errors';
import { CreateProduct } from '@cleave/contracts/catalog/catalog.contract';
import { StockReservation } from './stock-reservation.entity';
import { Product } from './product.entity';
import { CatalogKit, openCatalog } from './catalog.testing';
import { ReservationExpirySweeper } from './reservation-expiry.sweeper';

const ORDER_1 = '11111111-1111-4111-8111-111111111111';
const ORDER_2 = '22222222-2222-4222-8222-222222222222';
const MISSING = '00000000-0000-4000-8000-000000000000';
const TTL = 60_000;

describe('StockService', () => {
  let kit: CatalogKit;

  beforeEach(async () => {
    kit = await openCatalog(undefined, { reservationTtlMs: TTL });
  });

  afterEach(() => kit.close());

  const create = (overrides: Partial<CreateProduct> = {}) => kit.products.createProduct({ name: 'Widget', priceCents: 1250, stock: 10, ...overrides });
  const stockOf = async (id: string) => (await kit.products.getProduct({ id })).stock;
  const reserve = (orderId: string, productId: string, quantity = 1) => kit.stock.reserveStock({ orderId, items: [{ productId, quantity }] });

  describe('reserving', () => {
    it('takes stock for every line, merging duplicate products, until an expiry', async () => {
      const a = await create({ stock: 10 });
      const b = await create({ stock: 3 });
      const reservation = await kit.stock.reserveStock({
        orderId: ORDER_1,
        items: [
          { productId: a.id, quantity: 2 },
          { productId: b.id, quantity: 3 },
          { productId: a.id, quantity: 1 },
        ],
      });
      expect(reservation).toEqual({
        orderId: ORDER_1,
        status: 'RESERVED',
        items: expect.arrayContaining([{ productId: a.id, quantity: 3 }, { productId: b.id, quantity: 3 }]),
        expiresAt: expect.any(String),
      });
      expect(reservation.items).toHaveLength(2);
      expect(Date.parse(reservation.expiresAt) - kit.clock.now.getTime()).toBeGreaterThan(TTL - 100);
      expect(await stockOf(a.id)).toBe(7);
      expect(await stockOf(b.id)).toBe(0);
    });

    it('takes stock once per order, however often it is asked, also once committed', async () => {
      const a = await create({ stock: 10 });
      const request = { orderId: ORDER_1, items: [{ productId: a.id, quantity: 4 }] };
      const first = await kit.stock.reserveStock(request);
      await expect(kit.stock.reserveStock(request)).resolves.toEqual(first);
      await expect(Promise.all([kit.stock.reserveStock(request), kit.stock.reserveStock(request)])).resolves.toEqual([first, first]);
      await kit.stock.commitReservation({ orderId: ORDER_1 });
      await expect(kit.stock.reserveStock(request)).resolves.toMatchObject({ status: 'COMMITTED' });
      expect(await stockOf(a.id)).toBe(6);
    });

    it('takes nothing when one line is short, and says which', async () => {
      const a = await create({ name: 'Plenty', stock: 10 });
      const b = await create({ name: 'Scarce', stock: 2 });
      const attempt = kit.stock.reserveStock({
        orderId: ORDER_1,
        items: [
          { productId: a.id, quantity: 5 },
          { productId: b.id, quantity: 3 },
        ],
      });
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      await expect(attempt).rejects.toMatchObject({
        status: 409,
        message: 'Not enough stock for Scarce: 2 left, 3 requested',
        details: { productId: b.id, available: 2, requested: 3 },
      });
      expect(await stockOf(a.id)).toBe(10);
      expect(await stockOf(b.id)).toBe(2);
      expect(await kit.dataSource.getRepository(StockReservation).count()).toBe(0);
    });

    it('takes nothing when a product is unknown, and leaves the order free to try again', async () => {
      const a = await create({ stock: 10 });
      const attempt = kit.stock.reserveStock({
        orderId: ORDER_1,
        items: [
          { productId: a.id, quantity: 1 },
          { productId: MISSING, quantity: 1 },
        ],
      });
      await expect(attempt).rejects.toThrow(new NotFoundError(`Product ${MISSING} not found`));
      expect(await stockOf(a.id)).toBe(10);
      await expect(reserve(ORDER_1, a.id)).resolves.toMatchObject({ status: 'RESERVED' });
    });

    it('refuses an inactive product with 409', async () => {
      const a = await create({ name: 'Retired', stock: 10 });
      await kit.products.updateProduct({ id: a.id, active: false });
      await expect(reserve(ORDER_1, a.id)).rejects.toMatchObject({ status: 409, message: 'Retired is no longer available' });
      expect(await stockOf(a.id)).toBe(10);
    });

    it('never drives stock below zero under concurrent orders for the last units', async () => {
      const a = await create({ stock: 5 });
      const orders = Array.from({ length: 12 }, (_, i) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`);
      const results = await Promise.allSettled(orders.map((orderId) => reserve(orderId, a.id)));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
      expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof ConflictError)).toBe(true);
      expect(await stockOf(a.id)).toBe(0);
    });

    it('keeps a concurrent product creation when a reservation rolls back', async () => {
      const a = await create({ stock: 1 });
      const [reserved, created] = await Promise.allSettled([reserve(ORDER_2, a.id, 2), create({ name: 'Concurrent' })]);
      expect(reserved.status).toBe('rejected');
      expect(created.status).toBe('fulfilled');
      expect((await kit.products.listProducts({})).total).toBe(2);
    });

    it.each([0, -1, 1.5])('rejects a quantity of %p', async (quantity) => {
      const a = await create({ stock: 10 });
      await expect(reserve(ORDER_1, a.id, quantity)).rejects.toBeInstanceOf(ValidationError);
      expect(await stockOf(a.id)).toBe(10);
    });

    it('rejects a missing order id or no lines', async () => {
      await expect(kit.stock.reserveStock({ orderId: '', items: [] })).rejects.toBeInstanceOf(ValidationError);
      await expect(kit.stock.reserveStock({ orderId: ORDER_1, items: [] })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('committing', () => {
    it('commits a reservation once, keeping the stock sold', async () => {
      const a = await create({ stock: 10 });
      const reserved = await reserve(ORDER_1, a.id, 3);
      const committed = await kit.stock.commitReservation({ orderId: ORDER_1 });
      expect(committed).toEqual({ ...reserved, status: 'COMMITTED' });
      await expect(kit.stock.commitReservation({ orderId: ORDER_1 })).resolves.toEqual(committed);
      expect(await stockOf(a.id)).toBe(7);
    });

    it('refuses a released reservation (409) and an unknown one (404)', async () => {
      const a = await create();
      await reserve(ORDER_1, a.id);
      await kit.stock.releaseReservation({ orderId: ORDER_1 });
      await expect(kit.stock.commitReservation({ orderId: ORDER_1 })).rejects.toMatchObject({ status: 409, message: `reservation for order ${ORDER_1} was released` });
      await expect(kit.stock.commitReservation({ orderId: ORDER_2 })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('releases instead of committing a reservation past its expiry', async () => {
      const a = await create({ stock: 10 });
      await reserve(ORDER_1, a.id, 4);
      kit.clock.advance(TTL + 1);
      await expect(kit.stock.commitReservation({ orderId: ORDER_1 })).rejects.toMatchObject({ status: 409, message: expect.stringMatching(/expired/) });
      expect(await stockOf(a.id)).toBe(10);
      await expect(kit.stock.releaseReservation({ orderId: ORDER_1 })).resolves.toMatchObject({ status: 'RELEASED' });
      expect(await stockOf(a.id)).toBe(10);
    });
  });

  describe('releasing', () => {
    it('puts reserved stock back, once however often asked', async () => {
      const a = await create({ stock: 10 });
      const b = await create({ stock: 10 });
      await kit.stock.reserveStock({
        orderId: ORDER_1,
        items: [
          { productId: a.id, quantity: 2 },
          { productId: b.id, quantity: 5 },
        ],
      });
      const released = await kit.stock.releaseReservation({ orderId: ORDER_1 });
      expect(released).toMatchObject({ orderId: ORDER_1, status: 'RELEASED' });
      expect(released.items).toHaveLength(2);
      await expect(kit.stock.releaseReservation({ orderId: ORDER_1 })).resolves.toEqual(released);
      await Promise.all([kit.stock.releaseReservation({ orderId: ORDER_1 }), kit.stock.releaseReservation({ orderId: ORDER_1 })]);
      expect(await stockOf(a.id)).toBe(10);
      expect(await stockOf(b.id)).toBe(10);
    });

    it('restocks once when two releases race', async () => {
      const a = await create({ stock: 10 });
      await reserve(ORDER_1, a.id, 6);
      const results = await Promise.all([kit.stock.releaseReservation({ orderId: ORDER_1 }), kit.stock.releaseReservation({ orderId: ORDER_1 })]);
      expect(results.map((r) => r.status)).toEqual(['RELEASED', 'RELEASED']);
      expect(await stockOf(a.id)).toBe(10);
    });

    it('puts committed stock back too', async () => {
      const a = await create({ stock: 10 });
      await reserve(ORDER_1, a.id, 4);
      await kit.stock.commitReservation({ orderId: ORDER_1 });
      await expect(kit.stock.releaseReservation({ orderId: ORDER_1 })).resolves.toMatchObject({ status: 'RELEASED' });
      expect(await stockOf(a.id)).toBe(10);
    });

    it('marks an order never reserved as released, so a late reservation is refused', async () => {
      const a = await create({ stock: 10 });
      const mark = await kit.stock.releaseReservation({ orderId: ORDER_1 });
      expect(mark).toEqual({ orderId: ORDER_1, items: [], status: 'RELEASED', expiresAt: expect.any(String) });
      await expect(reserve(ORDER_1, a.id)).rejects.toMatchObject({ status: 409, message: `reservation for order ${ORDER_1} was released` });
      await expect(kit.stock.releaseReservation({ orderId: ORDER_1 })).resolves.toEqual(mark);
      expect(await stockOf(a.id)).toBe(10);
    });

    it('refuses a reservation of a released order, stock untouched', async () => {
      const a = await create({ stock: 10 });
      await reserve(ORDER_1, a.id, 2);
      await kit.stock.releaseReservation({ orderId: ORDER_1 });
      await expect(reserve(ORDER_1, a.id, 2)).rejects.toBeInstanceOf(ConflictError);
      expect(await stockOf(a.id)).toBe(10);
    });
  });

  describe('expiry', () => {
    it('releases reserved stock past its expiry, leaves the rest', async () => {
      const a = await create({ stock: 10 });
      await reserve(ORDER_1, a.id, 3);
      await reserve(ORDER_2, a.id, 2);
      await kit.stock.commitReservation({ orderId: ORDER_2 });
      kit.clock.advance(TTL / 2);
      const late = '33333333-3333-4333-8333-333333333333';
      await reserve(late, a.id, 1);
      expect(await kit.stock.expireReservations()).toBe(0);
      kit.clock.advance(TTL / 2 + 1);
      expect(await kit.stock.expireReservations()).toBe(1);
      expect(await kit.stock.expireReservations()).toBe(0);
      expect(await stockOf(a.id)).toBe(7);
      await expect(kit.stock.commitReservation({ orderId: ORDER_1 })).rejects.toMatchObject({ status: 409 });
      await expect(kit.stock.commitReservation({ orderId: ORDER_2 })).resolves.toMatchObject({ status: 'COMMITTED' });
      await expect(kit.stock.commitReservation({ orderId: late })).resolves.toMatchObject({ status: 'COMMITTED' });
    });

    it('sweeps on a timer that never holds the process, and stops', async () => {
      const a = await create({ stock: 10 });
      await reserve(ORDER_1, a.id, 3);
      kit.clock.advance(TTL + 1);
      const sweeper = new ReservationExpirySweeper(kit.stock, { reservationTtlMs: TTL, reservationSweepMs: 10 });
      const setInterval = jest.spyOn(global, 'setInterval');
      sweeper.onApplicationBootstrap();
      const timer = setInterval.mock.results[0].value as NodeJS.Timeout;
      setInterval.mockRestore();
      expect(timer.hasRef()).toBe(false);
      await sweeper.sweep();
      expect(await stockOf(a.id)).toBe(10);
      await sweeper.onModuleDestroy();
    });
  });

  describe('the product cache', () => {
    /** Changes a row behind the services' back: what a read then shows comes from the cache. */
    const sneak = (id: string, priceCents: number) => kit.dataSource.getRepository(Product).update({ id }, { priceCents });
    const priceOf = async (id: string) => (await kit.products.getProduct({ id })).priceCents;

    it('serves repeated reads of products from the cache', async () => {
      const a = await create({ priceCents: 100 });
      const b = await create({ priceCents: 200 });
      expect(await priceOf(a.id)).toBe(100);
      await sneak(a.id, 1);
      await sneak(b.id, 2);
      expect(await priceOf(a.id)).toBe(100);
      const both = await kit.products.getProducts({ ids: [a.id, b.id] });
      expect(Object.fromEntries(both.map((p) => [p.id, p.priceCents]))).toEqual({ [a.id]: 100, [b.id]: 2 });
      // b was filled by the batch read.
      await sneak(b.id, 3);
      expect(await priceOf(b.id)).toBe(2);
    });

    it('fills again once an invalidation has passed its hold', async () => {
      const a = await create({ priceCents: 100 });
      await kit.products.updateProduct({ id: a.id, priceCents: 150 });
      expect(await priceOf(a.id)).toBe(150);
      await sneak(a.id, 1);
      // Within the hold, reads go to the database and fill nothing.
      expect(await priceOf(a.id)).toBe(1);
      kit.clock.advance(1001);
      expect(await priceOf(a.id)).toBe(1);
      await sneak(a.id, 2);
      expect(await priceOf(a.id)).toBe(1);
      kit.clock.advance(60_001);
      expect(await priceOf(a.id)).toBe(2);
    });

    it.each<[string, (id: string) => Promise<unknown>, (v: { stock: number; priceCents: number; active: boolean }) => unknown]>([
      ['an update', (id) => kit.products.updateProduct({ id, priceCents: 999, active: false }), (v) => [v.priceCents, v.active]],
      ['a stock adjustment', (id) => kit.products.adjustStock({ id, delta: 5 }), (v) => v.stock],
      ['a reservation', (id) => reserve(ORDER_1, id, 2), (v) => v.stock],
      ['a release', async (id) => kit.stock.releaseReservation({ orderId: ORDER_2 }).then(() => id), (v) => v.stock],
      ['a release of a committed order', (id) => kit.stock.commitReservation({ orderId: ORDER_2 }).then(() => kit.stock.releaseReservation({ orderId: ORDER_2 })).then(() => id), (v) => v.stock],
      [
        'an expiry',
        async () => {
          kit.clock.advance(TTL + 1);
          await kit.stock.expireReservations();
        },
        (v) => v.stock,
      ],
    ])('shows %s at once', async (_, change, observe) => {
      const a = await create({ stock: 10, priceCents: 100 });
      await reserve(ORDER_2, a.id, 3);
      const before = await kit.products.getProduct({ id: a.id });
      expect(await kit.products.getProduct({ id: a.id })).toEqual(before);
      await change(a.id);
      const fresh = await kit.dataSource.getRepository(Product).findOneByOrFail({ id: a.id });
      const expected = observe({ stock: Number(fresh.stock), priceCents: Number(fresh.priceCents), active: Boolean(fresh.active) });
      expect(observe(before)).not.toEqual(expected);
      expect(observe(await kit.products.getProduct({ id: a.id }))).toEqual(expected);
      expect(observe((await kit.products.getProducts({ ids: [a.id] }))[0])).toEqual(expected);
    });
  });
});
