import { ConflictError, NotFoundError, ValidationError } from '@cleave/contracts/kernel/errors';
import { CreateProduct, ProductView } from '@cleave/contracts/catalog/catalog.contract';
import { Product } from './product.entity';
import { CatalogKit, openCatalog } from './catalog.testing';

const MISSING = '00000000-0000-4000-8000-000000000000';

describe('ProductsService', () => {
  let kit: CatalogKit;

  beforeEach(async () => {
    kit = await openCatalog();
  });

  afterEach(() => kit.close());

  const create = (overrides: Partial<CreateProduct> = {}) => kit.products.createProduct({ name: 'Widget', priceCents: 1250, stock: 10, ...overrides });
  const names = (items: ProductView[]) => items.map((p) => p.name);

  describe('creating and reading', () => {
    it('creates a product with defaults and reads it back', async () => {
      const product = await kit.products.createProduct({ name: '  Widget ', priceCents: 1250 });
      expect(product).toEqual({
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        name: 'Widget',
        description: '',
        category: 'general',
        priceCents: 1250,
        currency: 'USD',
        active: true,
        stock: 0,
        createdAt: expect.any(String),
        updatedAt: product.createdAt,
      });
      await expect(kit.products.getProduct({ id: product.id })).resolves.toEqual(product);
    });

    it('lower-cases the category and keeps an inactive product readable by id', async () => {
      const product = await create({ category: '  Garden Tools ', active: false });
      expect(product).toMatchObject({ category: 'garden tools', active: false });
      await expect(kit.products.getProduct({ id: product.id })).resolves.toMatchObject({ active: false });
    });

    it.each<[string, Partial<CreateProduct>]>([
      ['an empty name', { name: '   ' }],
      ['a fractional price', { priceCents: 12.5 }],
      ['a negative price', { priceCents: -1 }],
      ['negative stock', { stock: -1 }],
      ['fractional stock', { stock: 1.5 }],
      ['a malformed currency', { currency: 'usd' }],
      ['an empty category', { category: ' ' }],
      ['a category too long', { category: 'x'.repeat(51) }],
      ['a non-boolean active', { active: 'yes' as unknown as boolean }],
    ])('rejects %s', async (_, overrides) => {
      await expect(create(overrides)).rejects.toBeInstanceOf(ValidationError);
      expect(await kit.dataSource.getRepository(Product).count()).toBe(0);
    });

    it('reports an unknown product as not found', async () => {
      await expect(kit.products.getProduct({ id: MISSING })).rejects.toThrow(new NotFoundError(`Product ${MISSING} not found`));
    });

    it('gets the existing products among some ids', async () => {
      const a = await create({ name: 'A' });
      const b = await create({ name: 'B', active: false });
      const found = await kit.products.getProducts({ ids: [a.id, MISSING, b.id, a.id] });
      expect(names(found).sort()).toEqual(['A', 'B']);
      await expect(kit.products.getProducts({ ids: [] })).resolves.toEqual([]);
      await expect(kit.products.getProducts({ ids: 'x' as unknown as string[] })).rejects.toBeInstanceOf(ValidationError);
    });
  });

  describe('listing', () => {
    it('pages newest first with defaults and bounds', async () => {
      for (let i = 0; i < 5; i++) await create({ name: `P${i}` });
      const all = await kit.products.listProducts({});
      expect(all).toMatchObject({ total: 5, limit: 20, offset: 0 });
      expect(names(all.items)).toEqual(['P4', 'P3', 'P2', 'P1', 'P0']);
      const page = await kit.products.listProducts({ limit: 2, offset: 1 });
      expect(page).toMatchObject({ total: 5, limit: 2, offset: 1 });
      expect(names(page.items)).toEqual(['P3', 'P2']);
      expect((await kit.products.listProducts({ offset: 10 })).items).toEqual([]);
      expect((await kit.products.listProducts({ limit: 1000 })).limit).toBe(100);
      await expect(kit.products.listProducts({ offset: -1 })).rejects.toBeInstanceOf(ValidationError);
      await expect(kit.products.listProducts({ limit: 0 })).rejects.toBeInstanceOf(ValidationError);
      await expect(kit.products.listProducts({ sort: 'cheapest' as never })).rejects.toBeInstanceOf(ValidationError);
    });

    it('breaks ties by id, so pages neither overlap nor skip', async () => {
      for (let i = 0; i < 7; i++) await create({ name: `Same ${i}`, priceCents: 500 });
      for (const sort of ['price', '-price'] as const) {
        const whole = (await kit.products.listProducts({ sort })).items.map((p) => p.id);
        expect(whole).toEqual([...whole].sort());
        const paged: string[] = [];
        for (let offset = 0; offset < 7; offset += 3) paged.push(...(await kit.products.listProducts({ sort, limit: 3, offset })).items.map((p) => p.id));
        expect(paged).toEqual(whole);
      }
    });

    it('filters by category, case-insensitively', async () => {
      await create({ name: 'Rake', category: 'Garden' });
      await create({ name: 'Hose', category: 'garden' });
      await create({ name: 'Lamp', category: 'home' });
      await create({ name: 'Thing' });
      const garden = await kit.products.listProducts({ category: 'GARDEN', sort: 'name' });
      expect(garden.total).toBe(2);
      expect(names(garden.items)).toEqual(['Hose', 'Rake']);
      expect(names((await kit.products.listProducts({ category: 'general' })).items)).toEqual(['Thing']);
    });

    it('searches the words of name and description: every word searched starts one, in any case', async () => {
      await create({ name: 'Red Widget', description: 'made of steel' });
      await create({ name: 'Blue gadget', description: 'A WIDGET holder' });
      await create({ name: '100% cotton', description: 'shirt_large' });
      await create({ name: 'Crème brûlée set', description: 'Ébène' });
      await create({ name: 'Other', description: 'nothing' });
      const search = async (q: string) => names((await kit.products.listProducts({ q, sort: 'name' })).items);
      expect(await search('widget')).toEqual(['Blue gadget', 'Red Widget']);
      expect(await search('STEEL')).toEqual(['Red Widget']);
      expect(await search('wid')).toEqual(['Blue gadget', 'Red Widget']);
      expect(await search('widget red')).toEqual(['Red Widget']);
      expect(await search('red widget holder')).toEqual([]);
      expect(await search('100%')).toEqual(['100% cotton']);
      expect(await search('large')).toEqual(['100% cotton']);
      expect(await search('idget')).toEqual([]);
      expect(await search('CRÈME')).toEqual(['Crème brûlée set']);
      expect(await search('ébène')).toEqual(['Crème brûlée set']);
      expect(await search('creme')).toEqual([]);
      // No word at all (only punctuation or spaces): no search, every product.
      expect((await search('  ')).length).toBe(5);
      expect((await search('%_\\')).length).toBe(5);
    });

    it('keeps the search words of a renamed product or a new description', async () => {
      const lamp = await create({ name: 'Desk lamp', description: 'brass' });
      await kit.products.updateProduct({ id: lamp.id, name: 'Floor lamp' });
      expect(names((await kit.products.listProducts({ q: 'desk' })).items)).toEqual([]);
      expect(names((await kit.products.listProducts({ q: 'floor brass' })).items)).toEqual(['Floor lamp']);
      await kit.products.updateProduct({ id: lamp.id, description: 'chrome' });
      expect(names((await kit.products.listProducts({ q: 'lamp brass' })).items)).toEqual([]);
      expect(names((await kit.products.listProducts({ q: 'lamp chrome' })).items)).toEqual(['Floor lamp']);
      await kit.products.adjustStock({ id: lamp.id, delta: 3 });
      expect(names((await kit.products.listProducts({ q: 'chrome' })).items)).toEqual(['Floor lamp']);
    });

    it('sorts by price both ways, by name and by newest', async () => {
      await create({ name: 'banana', priceCents: 300 });
      await create({ name: 'Apple', priceCents: 100 });
      await create({ name: 'cherry', priceCents: 200 });
      expect(names((await kit.products.listProducts({ sort: 'price' })).items)).toEqual(['Apple', 'cherry', 'banana']);
      expect(names((await kit.products.listProducts({ sort: '-price' })).items)).toEqual(['banana', 'cherry', 'Apple']);
      expect(names((await kit.products.listProducts({ sort: 'name' })).items)).toEqual(['Apple', 'banana', 'cherry']);
      expect(names((await kit.products.listProducts({ sort: 'newest' })).items)).toEqual(['cherry', 'Apple', 'banana']);
    });

    it('hides inactive products unless asked to include them', async () => {
      await create({ name: 'On' });
      const off = await create({ name: 'Off' });
      await kit.products.updateProduct({ id: off.id, active: false });
      expect(await kit.products.listProducts({})).toMatchObject({ total: 1, items: [expect.objectContaining({ name: 'On' })] });
      const all = await kit.products.listProducts({ includeInactive: true, sort: 'name' });
      expect(all.total).toBe(2);
      expect(all.items.map((p) => [p.name, p.active])).toEqual([
        ['Off', false],
        ['On', true],
      ]);
    });
  });

  describe('updating', () => {
    it('changes only the given fields and the update time', async () => {
      const product = await create({ description: 'old', category: 'tools' });
      const updated = await kit.products.updateProduct({ id: product.id, priceCents: 999, name: ' Better ', category: 'Garden' });
      expect(updated).toEqual({ ...product, name: 'Better', priceCents: 999, category: 'garden', updatedAt: expect.any(String) });
      expect(updated.updatedAt > product.updatedAt).toBe(true);
      await expect(kit.products.getProduct({ id: product.id })).resolves.toEqual(updated);
      expect((await kit.products.listProducts({ q: 'better' })).total).toBe(1);
    });

    it('deactivates and reactivates', async () => {
      const product = await create();
      expect(await kit.products.updateProduct({ id: product.id, active: false })).toMatchObject({ active: false });
      expect(await kit.products.updateProduct({ id: product.id, active: true })).toMatchObject({ active: true });
    });

    it('refuses bad fields, stock, an empty update, and an unknown product', async () => {
      const product = await create();
      await expect(kit.products.updateProduct({ id: product.id, priceCents: -5 })).rejects.toBeInstanceOf(ValidationError);
      await expect(kit.products.updateProduct({ id: product.id, name: '' })).rejects.toBeInstanceOf(ValidationError);
      await expect(kit.products.updateProduct({ id: product.id, stock: 3 } as never)).rejects.toThrow(/stock changes through adjustStock/);
      await expect(kit.products.updateProduct({ id: product.id })).rejects.toBeInstanceOf(ValidationError);
      await expect(kit.products.updateProduct({ id: MISSING, priceCents: 1 })).rejects.toBeInstanceOf(NotFoundError);
      await expect(kit.products.getProduct({ id: product.id })).resolves.toEqual(product);
    });
  });

  describe('adjusting stock', () => {
    it('adds and removes stock', async () => {
      const product = await create({ stock: 5 });
      expect(await kit.products.adjustStock({ id: product.id, delta: 3 })).toMatchObject({ stock: 8 });
      expect(await kit.products.adjustStock({ id: product.id, delta: -8 })).toMatchObject({ stock: 0 });
    });

    it('never goes below zero (409) nor past the column', async () => {
      const product = await create({ stock: 2 });
      const attempt = kit.products.adjustStock({ id: product.id, delta: -3 });
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      await expect(attempt).rejects.toMatchObject({ message: 'Cannot remove 3 of Widget: only 2 in stock' });
      await expect(kit.products.adjustStock({ id: product.id, delta: 2_147_483_647 })).rejects.toBeInstanceOf(ConflictError);
      expect((await kit.products.getProduct({ id: product.id })).stock).toBe(2);
    });

    it('stays consistent under concurrent adjustments', async () => {
      const product = await create({ stock: 5 });
      const results = await Promise.allSettled(Array.from({ length: 8 }, () => kit.products.adjustStock({ id: product.id, delta: -1 })));
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
      expect((await kit.products.getProduct({ id: product.id })).stock).toBe(0);
    });

    it.each([0, 1.5, 'x'])('refuses a delta of %p', async (delta) => {
      const product = await create();
      await expect(kit.products.adjustStock({ id: product.id, delta: delta as number })).rejects.toBeInstanceOf(ValidationError);
    });

    it('reports an unknown product as not found', async () => {
      await expect(kit.products.adjustStock({ id: MISSING, delta: 1 })).rejects.toBeInstanceOf(NotFoundError);
    });
  });
});
