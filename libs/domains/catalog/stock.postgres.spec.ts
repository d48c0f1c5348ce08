import { randomUUID } from 'node:crypto';
import { ConflictError } from '@cleave/contracts/kernel/errors';
import { createModuleDatabases, dropModuleDatabases } from '../../../test/support/postgres';
import { CatalogKit, openCatalog } from './catalog.testing';

/**
 * The stock rules on real PostgreSQL, where transactions run truly in parallel on a pool
 * (SQLite serialises them through the WriteQueue). Fails, never skips, without PostgreSQL.
 */
describe('catalog on PostgreSQL', () => {
  const prefix = `cleave_catalog_spec_${process.pid}_${Date.now()}`;
  let kit: CatalogKit;

  beforeAll(async () => {
    const env = await createModuleDatabases(prefix, ['catalog']);
    kit = await openCatalog({ type: 'postgres', url: env.DATABASE_URL_CATALOG, extra: { max: 20 } });
  }, 30_000);

  afterAll(async () => {
    await kit?.close();
    await dropModuleDatabases(prefix, ['catalog']);
  }, 30_000);

  const create = (stock: number, name = 'Widget') => kit.products.createProduct({ name, priceCents: 100, stock });
  const stockOf = async (id: string) => (await kit.products.getProduct({ id })).stock;

  it('sells the last unit once to many concurrent orders', async () => {
    const product = await create(1);
    const results = await Promise.allSettled(Array.from({ length: 20 }, () => kit.stock.reserveStock({ orderId: randomUUID(), items: [{ productId: product.id, quantity: 1 }] })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason instanceof ConflictError)).toBe(true);
    expect(await stockOf(product.id)).toBe(0);
  });

  it('never goes negative with multi-line orders racing over shared products', async () => {
    const a = await create(7, 'A');
    const b = await create(5, 'B');
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) =>
        kit.stock.reserveStock({
          orderId: randomUUID(),
          items: i % 2 ? [{ productId: a.id, quantity: 1 }, { productId: b.id, quantity: 1 }] : [{ productId: b.id, quantity: 1 }, { productId: a.id, quantity: 2 }],
        }),
      ),
    );
    const taken = results.filter((r) => r.status === 'fulfilled').map((r) => (r as PromiseFulfilledResult<{ items: { productId: string; quantity: number }[] }>).value);
    const takenOf = (id: string) => taken.flatMap((r) => r.items).filter((l) => l.productId === id).reduce((sum, l) => sum + l.quantity, 0);
    expect(await stockOf(a.id)).toBe(7 - takenOf(a.id));
    expect(await stockOf(b.id)).toBe(5 - takenOf(b.id));
    expect(await stockOf(a.id)).toBeGreaterThanOrEqual(0);
    expect(await stockOf(b.id)).toBeGreaterThanOrEqual(0);
  });

  it('takes stock once for concurrent duplicates of one order', async () => {
    const product = await create(10);
    const request = { orderId: randomUUID(), items: [{ productId: product.id, quantity: 3 }] };
    const results = await Promise.all(Array.from({ length: 8 }, () => kit.stock.reserveStock(request)));
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(await stockOf(product.id)).toBe(7);
  });

  it('restocks once when releases race, and a release mark races a late reserve', async () => {
    const product = await create(10);
    const orderId = randomUUID();
    await kit.stock.reserveStock({ orderId, items: [{ productId: product.id, quantity: 4 }] });
    await Promise.all(Array.from({ length: 6 }, () => kit.stock.releaseReservation({ orderId })));
    expect(await stockOf(product.id)).toBe(10);

    const late = randomUUID();
    const [reserved, released] = await Promise.allSettled([kit.stock.reserveStock({ orderId: late, items: [{ productId: product.id, quantity: 2 }] }), kit.stock.releaseReservation({ orderId: late })]);
    expect(released).toMatchObject({ status: 'fulfilled', value: { status: 'RELEASED' } });
    if (reserved.status === 'rejected') expect(reserved.reason).toBeInstanceOf(ConflictError);
    // Whichever came first, the order ends released and the stock where it started.
    expect(await stockOf(product.id)).toBe(10);
  });

  it('keeps concurrent stock adjustments at or above zero', async () => {
    const product = await create(5);
    const results = await Promise.allSettled(Array.from({ length: 10 }, () => kit.products.adjustStock({ id: product.id, delta: -1 })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(await stockOf(product.id)).toBe(0);
  });

  it('searches and sorts as on SQLite', async () => {
    const category = `pg-${Date.now()}`;
    for (const name of ['banana', 'Apple', 'cherry', 'Crème 100%', 'apple pie']) await kit.products.createProduct({ name, priceCents: 100, category });
    const names = async (q?: string) => (await kit.products.listProducts({ category, q, sort: 'name' })).items.map((p) => p.name);
    expect(await names()).toEqual(['Apple', 'apple pie', 'banana', 'cherry', 'Crème 100%']);
    expect(await names('CRÈME')).toEqual(['Crème 100%']);
    expect(await names('100%')).toEqual(['Crème 100%']);
    expect(await names('0%')).toEqual([]);
    expect(await names('crè')).toEqual(['Crème 100%']);
    expect(await names('creme')).toEqual([]);
    expect(await names('APPLE')).toEqual(['Apple', 'apple pie']);
  });
});
