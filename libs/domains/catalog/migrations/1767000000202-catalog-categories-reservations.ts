import { MigrationInterface, QueryRunner, TableCheck, TableColumn, TableIndex } from 'typeorm';

/**
 * Products get a category, an active flag, an update time and case-folded copies of name and
 * description for search and sort; reservations get a status, an expiry and an update time.
 */
export class CatalogCategoriesReservations1767000000202 implements MigrationInterface {
  readonly name = 'CatalogCategoriesReservations1767000000202';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.addColumns('products', [
      new TableColumn({ name: 'category', type: 'varchar', length: '50', default: "'general'" }),
      new TableColumn({ name: 'active', type: 'boolean', default: true }),
      // Byte order on PostgreSQL too ("C"), which is how SQLite compares text: the same sort on both.
      new TableColumn({ name: 'name_folded', type: 'text', default: "''", ...(postgres ? { collation: 'C' } : {}) }),
      new TableColumn({ name: 'description_folded', type: 'text', default: "''" }),
      new TableColumn({ name: 'updated_at', type: 'varchar', length: '32', default: "''" }),
    ]);
    // Folded by JavaScript, as the service folds (see Product.nameFolded).
    const rows = (await queryRunner.query('SELECT id, name, description FROM products')) as { id: string; name: string; description: string }[];
    for (const row of rows) {
      await queryRunner.manager
        .createQueryBuilder()
        .update('products')
        .set({ name_folded: row.name.toLowerCase(), description_folded: row.description.toLowerCase() })
        .where('id = :id', { id: row.id })
        .execute();
    }
    await queryRunner.query('UPDATE products SET updated_at = created_at');
    await queryRunner.createIndices('products', [
      new TableIndex({ name: 'IDX_products_category', columnNames: ['category', 'created_at', 'id'] }),
      new TableIndex({ name: 'IDX_products_price', columnNames: ['price_cents', 'id'] }),
      new TableIndex({ name: 'IDX_products_name', columnNames: ['name_folded', 'id'] }),
    ]);

    await queryRunner.addColumns('stock_reservations', [
      new TableColumn({ name: 'status', type: 'varchar', length: '16', default: "'RESERVED'" }),
      new TableColumn({ name: 'expires_at', type: 'varchar', length: '32', default: "''" }),
      new TableColumn({ name: 'updated_at', type: 'varchar', length: '32', default: "''" }),
    ]);
    // Before statuses, a reservation was stock sold to a placed order: never to expire.
    await queryRunner.query("UPDATE stock_reservations SET status = 'COMMITTED', expires_at = created_at, updated_at = created_at");
    await queryRunner.createCheckConstraint(
      'stock_reservations',
      new TableCheck({ name: 'CHK_stock_reservations_status', expression: "status IN ('RESERVED', 'COMMITTED', 'RELEASED')" }),
    );
    // The expiry sweep looks for RESERVED rows past their expiry.
    await queryRunner.createIndex('stock_reservations', new TableIndex({ name: 'IDX_stock_reservations_expiry', columnNames: ['status', 'expires_at'] }));
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropIndex('stock_reservations', 'IDX_stock_reservations_expiry');
    await queryRunner.dropCheckConstraint('stock_reservations', 'CHK_stock_reservations_status');
    await queryRunner.dropColumns('stock_reservations', ['status', 'expires_at', 'updated_at']);
    for (const index of ['IDX_products_category', 'IDX_products_price', 'IDX_products_name']) await queryRunner.dropIndex('products', index);
    await queryRunner.dropColumns('products', ['category', 'active', 'name_folded', 'description_folded', 'updated_at']);
  }
}
