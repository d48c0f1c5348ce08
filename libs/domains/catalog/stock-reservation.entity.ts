import { Column, Entity, PrimaryColumn } from 'typeorm';
import { ReservationStatus } from '@cleave/contracts/catalog/catalog.contract';

/**
 * One row per order that took stock (or was released before it could): what makes
 * reserving twice for an order a no-op, and a late reservation of a released order a 409.
 */
@Entity({ name: 'stock_reservations' })
export class StockReservation {
  @PrimaryColumn({ name: 'order_id', type: 'varchar', length: 36 })
  orderId!: string;

  /** JSON of StockLine[]; text, so SQLite and PostgreSQL store it alike. Empty for a release mark. */
  @Column({ type: 'text' })
  items!: string;

  /** Moves only RESERVED -> COMMITTED -> RELEASED or RESERVED -> RELEASED, by conditional updates. */
  @Column({ type: 'varchar', length: 16 })
  status!: ReservationStatus;

  /** When a RESERVED reservation is released by the expiry sweep (ISO-8601 UTC). */
  @Column({ name: 'expires_at', type: 'varchar', length: 32 })
  expiresAt!: string;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
