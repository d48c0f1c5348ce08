import { Column, Entity, PrimaryColumn } from 'typeorm';

/** One row per order that took stock: what makes reserving twice for an order a no-op. */
@Entity({ name: 'stock_reservations' })
export class StockReservation {
  @PrimaryColumn({ name: 'order_id', type: 'varchar', length: 36 })
  orderId!: string;

  /** JSON of StockLine[]; text, so SQLite and PostgreSQL store it alike. */
  @Column({ type: 'text' })
  items!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
