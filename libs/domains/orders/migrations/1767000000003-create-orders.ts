import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateOrders1767000000003 implements MigrationInterface {
  readonly name = 'CreateOrders1767000000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'orders',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'items', type: 'text' },
          { name: 'total_cents', type: 'bigint' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
      }),
      true,
    );
    await queryRunner.createIndex('orders', new TableIndex({ name: 'IDX_orders_user', columnNames: ['user_id'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('orders', true);
  }
}
