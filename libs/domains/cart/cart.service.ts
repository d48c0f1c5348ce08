import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { CartItem as CartLine, CartView } from '@cleave/contracts/cart/cart.contract';
import { CatalogClient } from '@cleave/contracts/catalog/catalog.contract';
import { ConflictError, NotFoundError } from '@cleave/contracts/kernel/errors';
import { isUniqueViolation, WriteQueue } from '@cleave/platform/database';
import { CartItem } from './cart-item.entity';
import { checkId, checkQuantity, MAX_LINE_QUANTITY, tooMany } from './cart-input';
import { cartView } from './cart-view';

/** How often a write retries when a concurrent write of the same line slipped between its steps. */
const ATTEMPTS = 3;

@Injectable()
export class CartService {
  constructor(
    @InjectRepository(CartItem, 'cart') private readonly items: Repository<CartItem>,
    private readonly writes: WriteQueue,
    private readonly catalog: CatalogClient,
  ) {}

  /** The cart priced from the catalog as it is now, with one catalog call whatever its size. */
  async getCart(request: { userId: string }): Promise<CartView> {
    const userId = checkId(request?.userId, 'userId');
    const rows = await this.lines(userId);
    if (rows.length === 0) return cartView(userId, [], []);
    return cartView(userId, rows, await this.catalog.getProducts({ ids: rows.map((r) => r.productId) }));
  }

  /** The lines in the order they were first added. */
  lines(userId: string): Promise<CartItem[]> {
    return this.items.find({ where: { userId }, order: { addedAt: 'ASC', productId: 'ASC' } });
  }

  /** Adds to the quantity already in the cart; the product must exist (404) and be active (409). */
  async addItem(request: CartLine): Promise<CartView> {
    const userId = checkId(request?.userId, 'userId');
    const productId = checkId(request.productId, 'productId');
    const quantity = checkQuantity(request.quantity, 1);
    await this.requireOrderable(productId);
    await this.writes.run(() => this.add(userId, productId, quantity));
    return this.getCart({ userId });
  }

  /** Sets the quantity of a line, adding it when missing; 0 removes it. */
  async setItem(request: CartLine): Promise<CartView> {
    const userId = checkId(request?.userId, 'userId');
    const productId = checkId(request.productId, 'productId');
    const quantity = checkQuantity(request.quantity, 0);
    if (quantity === 0) return this.removeItem({ userId, productId });
    await this.requireOrderable(productId);
    const updated = await this.writes.run(() => this.items.update({ userId, productId }, { quantity, updatedAt: new Date().toISOString() }));
    // A quantity is set on a line the cart has; a new line is added with addItem (POST /cart/items).
    if (updated.affected !== 1) throw new NotFoundError(`Product ${productId} is not in the cart: add it first`);
    return this.getCart({ userId });
  }

  async removeItem(request: { userId: string; productId: string }): Promise<CartView> {
    const userId = checkId(request?.userId, 'userId');
    const productId = checkId(request.productId, 'productId');
    await this.writes.run(() => this.items.delete({ userId, productId }));
    return this.getCart({ userId });
  }

  async clearCart(request: { userId: string }): Promise<CartView> {
    const userId = checkId(request?.userId, 'userId');
    await this.writes.run(() => this.items.delete({ userId }));
    return cartView(userId, [], []);
  }

  /**
   * Takes ordered units out of the cart: a line loses what was ordered of it and goes once
   * nothing is left, so units added while the order was being placed stay.
   */
  async removeOrdered(userId: string, ordered: { productId: string; quantity: number }[]): Promise<void> {
    await this.writes.run(async () => {
      for (const { productId, quantity } of ordered) {
        await this.items
          .createQueryBuilder()
          .delete()
          .where('user_id = :userId AND product_id = :productId AND quantity <= :quantity', { userId, productId, quantity })
          .execute();
        await this.items
          .createQueryBuilder()
          .update(CartItem)
          .set({ quantity: () => 'quantity - :quantity', updatedAt: new Date().toISOString() })
          .where('user_id = :userId AND product_id = :productId AND quantity > :quantity', { userId, productId, quantity })
          .execute();
      }
    });
  }

  private async requireOrderable(productId: string): Promise<void> {
    // An unknown product answers 404 from catalog itself.
    const product = await this.catalog.getProduct({ id: productId });
    if (!product.active) throw new ConflictError(`Product ${product.name} is not available`, { productId });
  }

  /** One conditional increment, so concurrent adds never lose units nor pass the maximum. */
  private async add(userId: string, productId: string, quantity: number): Promise<void> {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const now = new Date().toISOString();
      const updated = await this.items
        .createQueryBuilder()
        .update(CartItem)
        .set({ quantity: () => 'quantity + :quantity', updatedAt: now })
        .where('user_id = :userId AND product_id = :productId AND quantity + :quantity <= :max', { userId, productId, quantity, max: MAX_LINE_QUANTITY })
        .execute();
      if (updated.affected === 1) return;
      const existing = await this.items.findOneBy({ userId, productId });
      if (existing && existing.quantity + quantity > MAX_LINE_QUANTITY) throw tooMany(existing.quantity + quantity);
      if (existing) continue;
      if (await this.inserted({ userId, productId, quantity, addedAt: now, updatedAt: now })) return;
    }
    throw new ConflictError('The cart changed while it was being updated; try again');
  }

  /** False when a concurrent write created the line first. */
  private async inserted(row: CartItem): Promise<boolean> {
    try {
      await this.items.insert(row);
      return true;
    } catch (error) {
      if (isUniqueViolation(error)) return false;
      throw error;
    }
  }
}
