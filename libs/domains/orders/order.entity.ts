import { Column, Entity, Index, PrimaryColumn, ValueTransformer } from 'typeorm';
import { OrderStatus } from '@cleave/contracts/orders/orders.contract';

/** PostgreSQL's driver returns bigint as a string; cents and epoch milliseconds fit a safe integer. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null) => value,
  from: (value: string | number | null) => (value === null ? value : Number(value)),
};

/**
 * Where the checkout saga of an order stands, persisted before each remote step so that a
 * process killed midway can be resumed or compensated by any instance:
 * RESERVE (reserving stock) -> CHARGE (charging) -> COMMIT (committing the reservation) ->
 * DONE; any failure moves it to COMPENSATE (refund, release) and then DONE, CANCELLED.
 * A customer's cancel also goes through COMPENSATE.
 */
export type SagaStep = 'RESERVE' | 'CHARGE' | 'COMMIT' | 'COMPENSATE' | 'DONE';

@Entity({ name: 'orders' })
export class Order {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('IDX_orders_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: OrderStatus;

  @Column({ type: 'varchar', length: 16 })
  step!: SagaStep;

  /** JSON of OrderLine[]: the lines as priced when the order was placed. */
  @Column({ type: 'text' })
  items!: string;

  @Column({ name: 'total_cents', type: 'bigint', transformer: bigintAsNumber })
  totalCents!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ name: 'payment_method', type: 'varchar', length: 64, nullable: true })
  paymentMethod!: string | null;

  @Column({ name: 'cancel_reason', type: 'text', nullable: true })
  cancelReason!: string | null;

  /** Whether compensation must refund (a charge may have happened). */
  @Column({ name: 'refund_on_cancel', type: 'boolean', default: false })
  refundOnCancel!: boolean;

  /** JSON of the error that ended the checkout: what a repeated Idempotency-Key gets again. */
  @Column({ type: 'text', nullable: true })
  failure!: string | null;

  @Column({ name: 'idempotency_key', type: 'varchar', length: 100, nullable: true })
  idempotencyKey!: string | null;

  /** A digest of the checkout's lines: the same key with other lines is refused. */
  @Column({ name: 'request_hash', type: 'varchar', length: 64, nullable: true })
  requestHash!: string | null;

  /** The instance driving the saga, until leaseUntil (epoch ms); then any instance may. */
  @Column({ name: 'lease_owner', type: 'varchar', length: 120, nullable: true })
  leaseOwner!: string | null;

  @Column({ name: 'lease_until', type: 'bigint', nullable: true, transformer: bigintAsNumber })
  leaseUntil!: number | null;

  /** Failed attempts to move the saga on; spaces out the retries of recovery. */
  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  /** ISO-8601 UTC; a string sorts and compares the same on SQLite and PostgreSQL. */
  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
