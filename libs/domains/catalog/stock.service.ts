import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '@cleave/contracts/kernel/errors';
import { Reservation, ReserveStock, StockLine } from '@cleave/contracts/catalog/catalog.contract';
import { Product } from './product.entity';
import { StockReservation } from './stock-reservation.entity';
import { WriteQueue } from '@cleave/platform/database/write-queue';
import { isUniqueViolation } from '@cleave/platform/database/unique-violation';

@Injectable()
export class StockService {
  constructor(
    @InjectDataSource('catalog') private readonly dataSource: DataSource,
    private readonly writes: WriteQueue,
  ) {}

  /**
   * Takes stock for every line of an order, or for none. Each line is a conditional
   * decrement, so concurrent orders can never drive stock below zero; the reservation row,
   * keyed by order, makes a retried request take nothing twice.
   */
  async reserveStock({ orderId, items }: ReserveStock): Promise<Reservation> {
    if (typeof orderId !== 'string' || !orderId) throw new ValidationError('orderId is required');
    const lines = mergeLines(items);
    try {
      return await this.writes.run(() => this.dataSource.transaction((manager) => this.reserve(manager, orderId, lines)));
    } catch (error) {
      // A concurrent retry of the same order committed first: its reservation is ours.
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.dataSource.getRepository(StockReservation).findOneBy({ orderId });
      if (!existing) throw error;
      return toReservation(existing);
    }
  }

  private async reserve(manager: EntityManager, orderId: string, lines: StockLine[]): Promise<Reservation> {
    const existing = await manager.findOneBy(StockReservation, { orderId });
    if (existing) return toReservation(existing);
    // Claim the order first: a concurrent duplicate then waits on this key instead of taking stock.
    await manager.insert(StockReservation, { orderId, items: JSON.stringify(lines), createdAt: new Date().toISOString() });
    for (const line of lines) await this.take(manager, line);
    return { orderId, items: lines, status: 'RESERVED', expiresAt: '' };
  }

  private async take(manager: EntityManager, { productId, quantity }: StockLine): Promise<void> {
    const result = await manager
      .createQueryBuilder()
      .update(Product)
      .set({ stock: () => 'stock - :quantity' })
      .where('id = :productId AND stock >= :quantity', { productId, quantity })
      .execute();
    if (result.affected === 1) return;
    const product = await manager.findOneBy(Product, { id: productId });
    if (!product) throw new NotFoundError(`Product ${productId} not found`, { productId });
    throw new ConflictError(`Not enough stock for ${product.name}: ${product.stock} left, ${quantity} requested`, {
      productId,
      available: product.stock,
      requested: quantity,
    });
  }
}

/** One line per product, in id order so concurrent orders lock rows in the same order. */
function mergeLines(items: unknown): StockLine[] {
  if (!Array.isArray(items) || items.length === 0) throw new ValidationError('items must be a non-empty array');
  const quantities = new Map<string, number>();
  for (const item of items as Partial<StockLine>[]) {
    const { productId, quantity } = item ?? {};
    if (typeof productId !== 'string' || !productId) throw new ValidationError('Every line needs a productId');
    if (!Number.isInteger(quantity) || (quantity as number) < 1) {
      throw new ValidationError(`Quantity for product ${productId} must be a positive integer`, { productId, quantity });
    }
    quantities.set(productId, (quantities.get(productId) ?? 0) + (quantity as number));
  }
  return [...quantities].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([productId, quantity]) => ({ productId, quantity }));
}

function toReservation(row: StockReservation): Reservation {
  return { orderId: row.orderId, items: JSON.parse(row.items) as StockLine[], status: 'RESERVED', expiresAt: '' };
}
