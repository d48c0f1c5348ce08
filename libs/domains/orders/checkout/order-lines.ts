import { createHash } from 'node:crypto';
import { ValidationError } from '@cleave/contracts/kernel/errors';
import { StockLine } from '@cleave/contracts/catalog/catalog.contract';

/** At most this many distinct products in one order. */
const MAX_LINES = 100;

/** One line per product, in the order first seen; refuses what no order can hold. */
export function mergeLines(items: unknown): StockLine[] {
  if (!Array.isArray(items) || items.length === 0) throw new ValidationError('An order needs at least one item');
  const quantities = new Map<string, number>();
  for (const item of items as Partial<StockLine>[]) {
    const { productId, quantity } = item ?? {};
    if (typeof productId !== 'string' || !productId) throw new ValidationError('Every item needs a productId');
    if (!Number.isInteger(quantity) || (quantity as number) < 1) {
      throw new ValidationError(`Quantity for product ${productId} must be a positive integer`, { productId, quantity });
    }
    quantities.set(productId, (quantities.get(productId) ?? 0) + (quantity as number));
  }
  if (quantities.size > MAX_LINES) throw new ValidationError(`An order holds at most ${MAX_LINES} different products`);
  return [...quantities].map(([productId, quantity]) => ({ productId, quantity }));
}

/** The same lines (in any order) and payment method give the same digest: what an Idempotency-Key is bound to. */
export function checkoutDigest(lines: StockLine[], paymentMethod: string | undefined): string {
  const canonical = [...lines].sort((a, b) => (a.productId < b.productId ? -1 : a.productId > b.productId ? 1 : 0));
  return createHash('sha256').update(JSON.stringify([canonical, paymentMethod ?? null])).digest('hex');
}
