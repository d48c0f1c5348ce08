import { randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '@cleave/contracts/kernel/errors';
import { AdjustStock, CreateProduct, ListProducts, ProductPage, ProductSort, ProductView, UpdateProduct } from '@cleave/contracts/catalog/catalog.contract';
import { LeanSql, WriteQueue } from '@cleave/platform/database';
import { Product } from './product.entity';
import { toProductView } from './product.view';
import { ProductCache } from './product.cache';
import { productsById } from './products-by-id';
import { MAX_INT, validDelta, validListQuery, validNewProduct, validUpdate } from './product.input';
import { CATALOG_CLOCK, Clock } from './catalog.settings';
import { ftsMatch, searchDocument, tsQuery } from './search-words';

/** The ORDER BY of each sort; every one ends with the id, so pages never overlap nor skip. */
const ORDER: Record<ProductSort, [string, 'ASC' | 'DESC'][]> = {
  price: [['p.priceCents', 'ASC'], ['p.id', 'ASC']],
  '-price': [['p.priceCents', 'DESC'], ['p.id', 'ASC']],
  name: [['p.nameFolded', 'ASC'], ['p.id', 'ASC']],
  newest: [['p.createdAt', 'DESC'], ['p.id', 'DESC']],
};

@Injectable()
export class ProductsService {
  private readonly sql: LeanSql;

  constructor(
    @InjectDataSource('catalog') private readonly dataSource: DataSource,
    private readonly writes: WriteQueue,
    private readonly cache: ProductCache,
    @Inject(CATALOG_CLOCK) private readonly clock: Clock,
  ) {
    this.sql = new LeanSql(dataSource);
  }

  async createProduct(request: CreateProduct): Promise<ProductView> {
    const now = this.clock().toISOString();
    const fields = validNewProduct(request);
    const product = this.dataSource.getRepository(Product).create({
      id: randomUUID(),
      ...fields,
      ...folded(fields),
      searchText: searchDocument(fields.name, fields.description),
      createdAt: now,
      updatedAt: now,
    });
    // Nothing to invalidate: a new id cannot be cached, since unknown ids never are.
    await this.writes.run(() => this.dataSource.getRepository(Product).insert(product));
    return toProductView(product);
  }

  /** Admin: changes any of the fields but stock; `active: false` deactivates. */
  async updateProduct(request: UpdateProduct): Promise<ProductView> {
    const id = validId(request?.id);
    const fields = validUpdate(request);
    const changes: Partial<Product> = { ...fields, ...folded(fields), updatedAt: this.clock().toISOString() };
    const view = await this.writes.run(() =>
      this.dataSource.transaction(async (manager) => {
        if (fields.name !== undefined || fields.description !== undefined) {
          // The search words come from both: the one not changed is read, in the same transaction.
          const current = await manager.findOneBy(Product, { id });
          if (!current) throw notFound(id);
          changes.searchText = searchDocument(fields.name ?? current.name, fields.description ?? current.description);
        }
        const result = await manager.update(Product, { id }, changes);
        if (!result.affected) throw notFound(id);
        return toProductView(await manager.findOneByOrFail(Product, { id }));
      }),
    );
    await this.cache.invalidate([id]);
    return view;
  }

  /** Admin: adds or removes stock in one conditional update, never below zero (409). */
  async adjustStock({ id, delta }: AdjustStock): Promise<ProductView> {
    validId(id);
    validDelta(delta);
    const view = await this.writes.run(() =>
      this.dataSource.transaction(async (manager) => {
        const result = await manager
          .createQueryBuilder()
          .update(Product)
          .set({ stock: () => 'stock + :delta', updatedAt: this.clock().toISOString() })
          // Bounds computed here, not as stock + delta in SQL, which overflows on PostgreSQL.
          .where(delta < 0 ? 'id = :id AND stock >= :bound' : 'id = :id AND stock <= :bound', { id, delta, bound: delta < 0 ? -delta : MAX_INT - delta })
          .execute();
        const product = await manager.findOneBy(Product, { id });
        if (!product) throw notFound(id);
        if (!result.affected) {
          const stock = Number(product.stock);
          const message = delta < 0 ? `Cannot remove ${-delta} of ${product.name}: only ${stock} in stock` : `Stock of ${product.name} cannot exceed ${MAX_INT}`;
          throw new ConflictError(message, { productId: id, stock, delta });
        }
        return toProductView(product);
      }),
    );
    await this.cache.invalidate([id]);
    return view;
  }

  /** Not cached: pages, filters and sorts are many, and stock moves with every order. */
  async listProducts(request: ListProducts): Promise<ProductPage> {
    const { limit, offset, category, terms, sort, includeInactive } = validListQuery(request);
    const query = this.dataSource.getRepository(Product).createQueryBuilder('p');
    if (!includeInactive) query.andWhere('p.active = :active', { active: true });
    if (category) query.andWhere('p.category = :category', { category });
    // Each database's own full-text index (migration 1767000000302), never a scan of every product.
    if (terms.length && this.dataSource.options.type === 'postgres') query.andWhere('p.search @@ CAST(:query AS tsquery)', { query: tsQuery(terms) });
    else if (terms.length) query.andWhere('p.rowid IN (SELECT rowid FROM products_fts WHERE products_fts MATCH :match)', { match: ftsMatch(terms) });
    for (const [column, direction] of ORDER[sort]) query.addOrderBy(column, direction);
    const [items, total] = await query.take(limit).skip(offset).getManyAndCount();
    return { items: items.map(toProductView), total, limit, offset };
  }

  async getProduct({ id }: { id: string }): Promise<ProductView> {
    validId(id);
    const cached = (await this.cache.get([id])).get(id);
    if (cached) return cached;
    const product = await this.dataSource.getRepository(Product).findOneBy({ id });
    if (!product) throw notFound(id);
    const view = toProductView(product);
    this.cache.fill([view]);
    return view;
  }

  async getProducts({ ids }: { ids: string[] }): Promise<ProductView[]> {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) throw new ValidationError('ids must be an array of strings');
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    if (unique.length > 1000) throw new ValidationError('At most 1000 ids at once');
    const cached = await this.cache.get(unique);
    const missing = unique.filter((id) => !cached.has(id));
    const loaded = missing.length ? await productsById(this.sql, this.dataSource.manager, missing) : [];
    this.cache.fill(loaded);
    return [...cached.values(), ...loaded];
  }
}

function folded(fields: { name?: string; description?: string }): Partial<Pick<Product, 'nameFolded' | 'descriptionFolded'>> {
  const result: Partial<Pick<Product, 'nameFolded' | 'descriptionFolded'>> = {};
  if (fields.name !== undefined) result.nameFolded = fields.name.toLowerCase();
  if (fields.description !== undefined) result.descriptionFolded = fields.description.toLowerCase();
  return result;
}

function validId(id: unknown): string {
  if (typeof id !== 'string' || !id) throw new ValidationError('id is required');
  return id;
}

function notFound(id: string): NotFoundError {
  return new NotFoundError(`Product ${id} not found`, { productId: id });
}
