import { MigrationInterface, QueryRunner, Table, TableIndex } from 'typeorm';

export class CreateCatalog1767000000002 implements MigrationInterface {
  readonly name = 'CreateCatalog1767000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'products',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '200' },
          { name: 'description', type: 'text' },
          { name: 'price_cents', type: 'integer' },
          { name: 'currency', type: 'varchar', length: '3', default: "'USD'" },
          { name: 'stock', type: 'integer', default: 0 },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
        checks: [
          { name: 'CHK_products_stock', expression: 'stock >= 0' },
          { name: 'CHK_products_price', expression: 'price_cents >= 0' },
        ],
      }),
      true,
    );
    // Listing pages through products in creation order.
    await queryRunner.createIndex('products', new TableIndex({ name: 'IDX_products_created', columnNames: ['created_at', 'id'] }));
    await queryRunner.createTable(
      new Table({
        name: 'stock_reservations',
        columns: [
          { name: 'order_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'items', type: 'text' },
          { name: 'created_at', type: 'varchar', length: '32' },
        ],
      }),
      true,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('stock_reservations', true);
    await queryRunner.dropTable('products', true);
  }
}
