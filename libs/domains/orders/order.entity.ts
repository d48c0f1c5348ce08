import { Column, Entity, Index, PrimaryColumn, ValueTransformer } from 'typeorm';
import { OrderStatus } from '@cleave/contracts/orders/orders.contract';

/** PostgreSQL's driver returns bigint as a string; cents always fit a safe integer. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number) => value,
  from: (value: string | number | null) => (value === null ? value : Number(value)),
};

@Entity({ name: 'orders' })
export class Order {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('IDX_orders_user')
  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 16 })
  status!: OrderStatus;

  /** JSON of OrderLine[]: the lines as priced when the order was placed. */
  @Column({ type: 'text' })
  items!: string;

  @Column({ name: 'total_cents', type: 'bigint', transformer: bigintAsNumber })
  totalCents!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  /** ISO-8601 UTC; a string sorts and compares the same on SQLite and PostgreSQL. */
  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
