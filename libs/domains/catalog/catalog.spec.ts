import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '@cleave/contracts/kernel/errors';
import { CreateProduct } from '@cleave/contracts/catalog/catalog.contract';
import { Product } from './product.entity';
import { StockReservation } from './stock-reservation.entity';
import { CreateCatalog1767000000002 } from './migrations/1767000000002-create-catalog';
import { ProductsService } from './products.service';
import { StockService } from './stock.service';
import { WriteQueue } from '@cleave/platform/database/write-queue';

const ORDER_1 = '11111111-1111-4111-8111-111111111111';
const ORDER_2 = '22222222-2222-4222-8222-222222222222';
const MISSING = '00000000-0000-4000-8000-000000000000';

describe('catalog', () => {
  let dataSource: DataSource;
  let products: ProductsService;
  let stock: StockService;

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [Product, StockReservation],
      migrations: [CreateCatalog1767000000002],
      migrationsRun: true,
    });
    await dataSource.initialize();
    const writes = new WriteQueue(dataSource);
    products = new ProductsService(dataSource.getRepository(Product), writes);
    stock = new StockService(dataSource, writes);
  });

  afterEach(() => dataSource.destroy());

  const create = (overrides: Partial<CreateProduct> = {}) => products.createProduct({ name: 'Widget', priceCents: 1250, stock: 10, ...overrides });
  const stockOf = async (id: string) => (await products.getProduct({ id })).stock;

  describe('products', () => {
    it('creates a product with defaults and reads it back', async () => {
      const product = await products.createProduct({ name: '  Widget ', priceCents: 1250 });
      expect(product).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Widget',
        description: '',
        priceCents: 1250,
        currency: 'USD',
        stock: 0,
        createdAt: expect.any(String),
      });
      await expect(products.getProduct({ id: product.id })).resolves.toEqual(product);
    });

    it.each<[string, Partial<CreateProduct>]>([
      ['an empty name', { name: '   ' }],
      ['a fractional price', { priceCents: 12.5 }],
      ['a negative price', { priceCents: -1 }],
      ['negative stock', { stock: -1 }],
      ['fractional stock', { stock: 1.5 }],
      ['a malformed currency', { currency: 'usd' }],
    ])('rejects %s', async (_, overrides) => {
      await expect(create(overrides)).rejects.toBeInstanceOf(ValidationError);
      expect(await dataSource.getRepository(Product).count()).toBe(0);
    });

    it('reports an unknown product as not found', async () => {
      await expect(products.getProduct({ id: MISSING })).rejects.toThrow(new NotFoundError(`Product ${MISSING} not found`));
    });

    it('pages through products in creation order', async () => {
      const created = [];
      for (let i = 0; i < 5; i++) created.push(await create({ name: `P${i}` }));
      const all = (await products.listProducts({})).items;
      const key = (p: { createdAt: string; id: string }) => `${p.createdAt}|${p.id}`;
      expect(all.map(key)).toEqual(created.map(key).sort());
      const page = await products.listProducts({ limit: 2, offset: 1 });
      expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 });
      expect(page.items).toEqual(all.slice(1, 3));
      expect(await products.listProducts({})).toMatchObject({ limit: 20, offset: 0, total: 5 });
      expect((await products.listProducts({ limit: 1000 })).limit).toBe(100);
      await expect(products.listProducts({ offset: -1 })).rejects.toBeInstanceOf(ValidationError);
    });

    it('gets the existing products among some ids', async () => {
      const a = await create({ name: 'A' });
      const b = await create({ name: 'B' });
      const found = await products.getProducts({ ids: [a.id, MISSING, b.id, a.id] });
      expect(found.map((p) => p.name).sort()).toEqual(['A', 'B']);
      await expect(products.getProducts({ ids: [] })).resolves.toEqual([]);
    });
  });

  describe('reserving stock', () => {
    it('takes stock for every line, merging duplicate products', async () => {
      const a = await create({ stock: 10 });
      const b = await create({ stock: 3 });
      const reservation = await stock.reserveStock({
        orderId: ORDER_1,
        items: [
          { productId: a.id, quantity: 2 },
          { productId: b.id, quantity: 3 },
          { productId: a.id, quantity: 1 },
        ],
      });
      expect(reservation.orderId).toBe(ORDER_1);
      expect(reservation.items).toHaveLength(2);
      expect(reservation.items).toEqual(expect.arrayContaining([{ productId: a.id, quantity: 3 }, { productId: b.id, quantity: 3 }]));
      expect(await stockOf(a.id)).toBe(7);
      expect(await stockOf(b.id)).toBe(0);
    });

    it('takes stock once per order, however often it is asked', async () => {
      const a = await create({ stock: 10 });
      const request = { orderId: ORDER_1, items: [{ productId: a.id, quantity: 4 }] };
      const first = await stock.reserveStock(request);
      await expect(stock.reserveStock(request)).resolves.toEqual(first);
      await expect(Promise.all([stock.reserveStock(request), stock.reserveStock(request)])).resolves.toEqual([first, first]);
      expect(await stockOf(a.id)).toBe(6);
    });

    it('takes nothing when one line is short, and says which', async () => {
      const a = await create({ name: 'Plenty', stock: 10 });
      const b = await create({ name: 'Scarce', stock: 2 });
      const attempt = stock.reserveStock({
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
      expect(await dataSource.getRepository(StockReservation).count()).toBe(0);
    });

    it('takes nothing when a product is unknown', async () => {
      const a = await create({ stock: 10 });
      const attempt = stock.reserveStock({
        orderId: ORDER_1,
        items: [
          { productId: a.id, quantity: 1 },
          { productId: MISSING, quantity: 1 },
        ],
      });
      await expect(attempt).rejects.toThrow(new NotFoundError(`Product ${MISSING} not found`));
      expect(await stockOf(a.id)).toBe(10);
      // A failed attempt leaves the order free to try again.
      await expect(stock.reserveStock({ orderId: ORDER_1, items: [{ productId: a.id, quantity: 1 }] })).resolves.toBeDefined();
    });

    it('never drives stock below zero under concurrent orders', async () => {
      const a = await create({ stock: 5 });
      const orders = Array.from({ length: 12 }, (_, i) => `${String(i).padStart(8, '0')}-0000-4000-8000-000000000000`);
      const results = await Promise.allSettled(orders.map((orderId) => stock.reserveStock({ orderId, items: [{ productId: a.id, quantity: 1 }] })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
      expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof ConflictError)).toBe(true);
      expect(await stockOf(a.id)).toBe(0);
    });

    it('keeps a concurrent product creation when a reservation rolls back', async () => {
      const a = await create({ stock: 1 });
      const [reserve, created] = await Promise.allSettled([
        stock.reserveStock({ orderId: ORDER_2, items: [{ productId: a.id, quantity: 2 }] }),
        create({ name: 'Concurrent' }),
      ]);
      expect(reserve.status).toBe('rejected');
      expect(created.status).toBe('fulfilled');
      expect((await products.listProducts({})).total).toBe(2);
    });

    it.each([0, -1, 1.5])('rejects a quantity of %p', async (quantity) => {
      const a = await create({ stock: 10 });
      await expect(stock.reserveStock({ orderId: ORDER_1, items: [{ productId: a.id, quantity }] })).rejects.toBeInstanceOf(ValidationError);
      expect(await stockOf(a.id)).toBe(10);
    });
  });
});
