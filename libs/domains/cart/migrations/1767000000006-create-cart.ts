import { MigrationInterface, QueryRunner, Table } from 'typeorm';

export class CreateCart1767000000006 implements MigrationInterface {
  readonly name = 'CreateCart1767000000006';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'cart_items',
        columns: [
          // The primary key (user_id, product_id) also serves reads of one user's cart.
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'product_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'quantity', type: 'integer' },
          { name: 'added_at', type: 'varchar', length: '32' },
          { name: 'updated_at', type: 'varchar', length: '32' },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('cart_items', true);
  }
}
