import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One line of a customer's cart: a product and how many. Prices are read live from catalog. */
@Entity({ name: 'cart_items' })
export class CartItem {
  @PrimaryColumn({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @PrimaryColumn({ name: 'product_id', type: 'varchar', length: 36 })
  productId!: string;

  @Column({ type: 'integer' })
  quantity!: number;

  /** ISO-8601 UTC; a string sorts and compares the same on SQLite and PostgreSQL. */
  @Column({ name: 'added_at', type: 'varchar', length: 32 })
  addedAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
