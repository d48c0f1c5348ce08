import { MigrationInterface, QueryRunner, TableColumn, TableIndex } from 'typeorm';

/** The checkout saga's state on the order, and the Idempotency-Key of the checkout. */
export class CheckoutSaga1767000001003 implements MigrationInterface {
  readonly name = 'CheckoutSaga1767000001003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.addColumns('orders', [
      new TableColumn({ name: 'step', type: 'varchar', length: '16', default: "'DONE'" }),
      new TableColumn({ name: 'payment_method', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'cancel_reason', type: 'text', isNullable: true }),
      new TableColumn({ name: 'refund_on_cancel', type: 'boolean', default: false }),
      new TableColumn({ name: 'failure', type: 'text', isNullable: true }),
      new TableColumn({ name: 'idempotency_key', type: 'varchar', length: '100', isNullable: true }),
      new TableColumn({ name: 'request_hash', type: 'varchar', length: '64', isNullable: true }),
      new TableColumn({ name: 'lease_owner', type: 'varchar', length: '120', isNullable: true }),
      new TableColumn({ name: 'lease_until', type: 'bigint', isNullable: true }),
      new TableColumn({ name: 'attempts', type: 'integer', default: 0 }),
      new TableColumn({ name: 'updated_at', type: 'varchar', length: '32', default: "''" }),
    ]);
    await queryRunner.query(`UPDATE orders SET updated_at = created_at, status = 'CONFIRMED' WHERE status = 'PLACED'`);
    await queryRunner.query(`UPDATE orders SET updated_at = created_at WHERE updated_at = ''`);
    // A key is the user's: two users may pick the same one. NULLs (no key) never collide.
    await queryRunner.createIndex('orders', new TableIndex({ name: 'UQ_orders_user_key', columnNames: ['user_id', 'idempotency_key'], isUnique: true }));
    // Recovery looks for unfinished sagas whose lease ran out.
    await queryRunner.createIndex('orders', new TableIndex({ name: 'IDX_orders_step_lease', columnNames: ['step', 'lease_until'] }));
    await queryRunner.createIndex('orders', new TableIndex({ name: 'IDX_orders_created', columnNames: ['created_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('orders', 'IDX_orders_created');
    await queryRunner.dropIndex('orders', 'IDX_orders_step_lease');
    await queryRunner.dropIndex('orders', 'UQ_orders_user_key');
    for (const column of ['updated_at', 'attempts', 'lease_until', 'lease_owner', 'request_hash', 'idempotency_key', 'failure', 'refund_on_cancel', 'cancel_reason', 'payment_method', 'step']) {
      await queryRunner.dropColumn('orders', column);
    }
  }
}
