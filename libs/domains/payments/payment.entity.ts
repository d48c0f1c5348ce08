import { Column, Entity, Index, PrimaryColumn, ValueTransformer } from 'typeorm';
import { PaymentStatus } from '@cleave/contracts/payments/payments.contract';

/** PostgreSQL's driver returns bigint as a string; cents always fit a safe integer. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | number | null) => (value === null ? value : Number(value)),
};

/** One payment per order: the primary key is what makes a charge idempotent. */
@Entity({ name: 'payments' })
export class Payment {
  @PrimaryColumn({ name: 'order_id', type: 'varchar', length: 36 })
  orderId!: string;

  @Index('IDX_payments_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ name: 'amount_cents', type: 'bigint', transformer: bigintAsNumber })
  amountCents!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: PaymentStatus;

  @Column({ type: 'varchar', length: 500, nullable: true })
  reason!: string | null;

  @Column({ name: 'payment_method', type: 'varchar', length: 100, nullable: true })
  paymentMethod!: string | null;

  /** ISO-8601 UTC; a string sorts and compares the same on SQLite and PostgreSQL. */
  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
