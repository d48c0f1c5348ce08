import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A customer's orders newest first, a page at a time, read straight off an index in that
 * order: with `user_id` alone, a customer with 10k orders had all of them sorted per page.
 * It also serves every lookup the old user index did.
 */
export class OrdersByCustomer1767000002003 implements MigrationInterface {
  readonly name = 'OrdersByCustomer1767000002003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "IDX_orders_user_created" ON orders (user_id, created_at, id)');
    await queryRunner.query('DROP INDEX "IDX_orders_user"');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('CREATE INDEX "IDX_orders_user" ON orders (user_id)');
    await queryRunner.query('DROP INDEX "IDX_orders_user_created"');
  }
}
