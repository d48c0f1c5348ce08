import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, Repository } from 'typeorm';
import { NotFoundError, ValidationError } from '@cleave/contracts/kernel/errors';
import { CreateProduct, ListProducts, ProductPage, ProductView } from '@cleave/contracts/catalog/catalog.contract';
import { Product } from './product.entity';
import { toProductView } from './product.view';
import { WriteQueue } from '@cleave/platform/database/write-queue';

/** The columns are 32-bit integers on every database. */
const MAX_INT = 2_147_483_647;
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 100;

@Injectable()
export class ProductsService {
  constructor(
    @InjectRepository(Product, 'catalog') private readonly products: Repository<Product>,
    private readonly writes: WriteQueue,
  ) {}

  async createProduct(request: CreateProduct): Promise<ProductView> {
    const product = this.products.create({ id: randomUUID(), createdAt: new Date().toISOString(), ...validProduct(request) });
    await this.writes.run(() => this.products.insert(product));
    return toProductView(product);
  }

  async listProducts({ limit = DEFAULT_LIMIT, offset = 0 }: ListProducts): Promise<ProductPage> {
    if (!Number.isInteger(limit) || limit < 1) throw new ValidationError('limit must be a positive integer');
    if (!Number.isInteger(offset) || offset < 0) throw new ValidationError('offset must be a non-negative integer');
    const take = Math.min(limit, MAX_LIMIT);
    const [items, total] = await this.products.findAndCount({ order: { createdAt: 'ASC', id: 'ASC' }, take, skip: offset });
    return { items: items.map(toProductView), total, limit: take, offset };
  }

  async getProduct({ id }: { id: string }): Promise<ProductView> {
    const product = typeof id === 'string' ? await this.products.findOneBy({ id }) : null;
    if (!product) throw new NotFoundError(`Product ${id} not found`, { productId: id });
    return toProductView(product);
  }

  async getProducts({ ids }: { ids: string[] }): Promise<ProductView[]> {
    if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) throw new ValidationError('ids must be an array of strings');
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    return (await this.products.findBy({ id: In(unique) })).map(toProductView);
  }
}

function validProduct(request: CreateProduct): Pick<Product, 'name' | 'description' | 'priceCents' | 'currency' | 'stock'> {
  const name = typeof request.name === 'string' ? request.name.trim() : '';
  if (!name || name.length > 200) throw new ValidationError('name must be between 1 and 200 characters');
  const description = request.description ?? '';
  if (typeof description !== 'string' || description.length > 2000) throw new ValidationError('description must be at most 2000 characters');
  if (!isCount(request.priceCents)) throw new ValidationError('priceCents must be a non-negative integer number of cents');
  const currency = request.currency ?? 'USD';
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) throw new ValidationError('currency must be a 3-letter ISO 4217 code');
  const stock = request.stock ?? 0;
  if (!isCount(stock)) throw new ValidationError('stock must be a non-negative integer');
  return { name, description, priceCents: request.priceCents, currency, stock };
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_INT;
}
