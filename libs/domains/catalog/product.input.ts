import { ValidationError } from '@cleave/contracts/kernel/errors';
import { CreateProduct, ListProducts, ProductSort, UpdateProduct } from '@cleave/contracts/catalog/catalog.contract';
import { Product } from './product.entity';
import { searchTerms } from './search-words';

/** The integer columns are 32-bit on every database. */
export const MAX_INT = 2_147_483_647;
export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;
export const DEFAULT_CATEGORY = 'general';
const SORTS: readonly ProductSort[] = ['price', '-price', 'name', 'newest'];
const UPDATABLE = new Set(['id', 'name', 'description', 'category', 'priceCents', 'currency', 'active']);

type ProductFields = Pick<Product, 'name' | 'description' | 'category' | 'priceCents' | 'currency' | 'active'>;

/** The new product's fields, defaults filled in, or a ValidationError naming the first bad one. */
export function validNewProduct(request: CreateProduct): ProductFields & Pick<Product, 'stock'> {
  if (!request || typeof request !== 'object') throw new ValidationError('A product is required');
  const stock = request.stock ?? 0;
  if (!isCount(stock)) throw new ValidationError('stock must be a non-negative integer');
  return {
    name: validName(request.name),
    description: validDescription(request.description ?? ''),
    category: validCategory(request.category ?? DEFAULT_CATEGORY),
    priceCents: validPrice(request.priceCents),
    currency: validCurrency(request.currency ?? 'USD'),
    active: validActive(request.active ?? true),
    stock,
  };
}

/** The fields an update sets; stock is not one of them (adjustStock changes it atomically). */
export function validUpdate(request: UpdateProduct): Partial<ProductFields> {
  if (!request || typeof request !== 'object') throw new ValidationError('An update is required');
  const unknown = Object.keys(request).filter((k) => !UPDATABLE.has(k));
  if (unknown.length) {
    const hint = unknown.includes('stock') ? ' (stock changes through adjustStock)' : '';
    throw new ValidationError(`Cannot update ${unknown.join(', ')}${hint}`, { fields: unknown });
  }
  const fields: Partial<ProductFields> = {};
  if (request.name !== undefined) fields.name = validName(request.name);
  if (request.description !== undefined) fields.description = validDescription(request.description);
  if (request.category !== undefined) fields.category = validCategory(request.category);
  if (request.priceCents !== undefined) fields.priceCents = validPrice(request.priceCents);
  if (request.currency !== undefined) fields.currency = validCurrency(request.currency);
  if (request.active !== undefined) fields.active = validActive(request.active);
  if (Object.keys(fields).length === 0) throw new ValidationError('An update needs at least one of name, description, category, priceCents, currency, active');
  return fields;
}

export function validDelta(delta: unknown): number {
  if (!Number.isInteger(delta) || delta === 0 || Math.abs(delta as number) > MAX_INT) {
    throw new ValidationError('delta must be a non-zero integer', { delta });
  }
  return delta as number;
}

export interface ListQuery {
  limit: number;
  offset: number;
  category?: string;
  /** The words searched for (search-words.ts); none: no search. */
  terms: string[];
  sort: ProductSort;
  includeInactive: boolean;
}

export function validListQuery(request: ListProducts): ListQuery {
  const { limit = DEFAULT_LIMIT, offset = 0, category, q, sort = 'newest', includeInactive = false } = request ?? {};
  if (!Number.isInteger(limit) || limit < 1) throw new ValidationError('limit must be a positive integer');
  if (!Number.isInteger(offset) || offset < 0 || offset > MAX_INT) throw new ValidationError('offset must be a non-negative integer');
  if (!SORTS.includes(sort)) throw new ValidationError(`sort must be one of ${SORTS.join(', ')}`);
  if (typeof includeInactive !== 'boolean') throw new ValidationError('includeInactive must be a boolean');
  if (q !== undefined && (typeof q !== 'string' || q.length > 200)) throw new ValidationError('q must be a string of at most 200 characters');
  return {
    limit: Math.min(limit, MAX_LIMIT),
    offset,
    category: category === undefined ? undefined : validCategory(category),
    terms: q === undefined ? [] : searchTerms(q),
    sort,
    includeInactive,
  };
}

function validName(name: unknown): string {
  const trimmed = typeof name === 'string' ? name.trim() : '';
  if (!trimmed || trimmed.length > 200) throw new ValidationError('name must be between 1 and 200 characters');
  return trimmed;
}

function validDescription(description: unknown): string {
  if (typeof description !== 'string' || description.length > 2000) throw new ValidationError('description must be at most 2000 characters');
  return description;
}

function validCategory(category: unknown): string {
  const folded = typeof category === 'string' ? category.trim().toLowerCase() : '';
  if (!folded || folded.length > 50) throw new ValidationError('category must be between 1 and 50 characters');
  return folded;
}

function validPrice(priceCents: unknown): number {
  if (!isCount(priceCents)) throw new ValidationError('priceCents must be a non-negative integer number of cents');
  return priceCents;
}

function validCurrency(currency: unknown): string {
  if (typeof currency !== 'string' || !/^[A-Z]{3}$/.test(currency)) throw new ValidationError('currency must be a 3-letter ISO 4217 code');
  return currency;
}

function validActive(active: unknown): boolean {
  if (typeof active !== 'boolean') throw new ValidationError('active must be a boolean');
  return active;
}

function isCount(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= MAX_INT;
}
