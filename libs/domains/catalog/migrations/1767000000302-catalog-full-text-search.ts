import { MigrationInterface, QueryRunner } from 'typeorm';
import { searchDocument } from '../search-words';

/**
 * Search through each database's own full-text index instead of a LIKE scan of every
 * product: `products.search_text` holds a product's words (cut by search-words.ts, the same
 * for both engines), indexed by an FTS5 table on SQLite and a GIN-indexed tsvector on
 * PostgreSQL, both kept up to date by the database itself.
 *
 * SQLite: `products_fts` is an external-content FTS5 table over `products`, keyed by its
 * rowid and kept in step by triggers. Anything that rebuilds `products` (TypeORM's
 * addColumn/changeColumn on SQLite copy the table, dropping its triggers and renumbering its
 * rowids; so does VACUUM for the rowids) must re-create the triggers and run
 * `INSERT INTO products_fts(products_fts) VALUES('rebuild')`: add columns with plain
 * `ALTER TABLE ... ADD COLUMN`, as below.
 */
export class CatalogFullTextSearch1767000000302 implements MigrationInterface {
  readonly name = 'CatalogFullTextSearch1767000000302';

  async up(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query("ALTER TABLE products ADD COLUMN search_text text NOT NULL DEFAULT ''");
    const rows = (await queryRunner.query('SELECT id, name, description FROM products')) as { id: string; name: string; description: string }[];
    for (const row of rows) {
      await queryRunner.query(`UPDATE products SET search_text = ${postgres ? '$1' : '?'} WHERE id = ${postgres ? '$2' : '?'}`, [searchDocument(row.name, row.description), row.id]);
    }
    if (postgres) {
      // array_to_tsvector takes the words as they are: no parser, no locale, no stemming.
      await queryRunner.query("ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (array_to_tsvector(string_to_array(search_text, ' '))) STORED");
      await queryRunner.query('CREATE INDEX "IDX_products_search" ON products USING GIN (search)');
    } else {
      // remove_diacritics 0: "crème" is not "creme", as on PostgreSQL. Prefix indexes for short terms.
      await queryRunner.query("CREATE VIRTUAL TABLE products_fts USING fts5(search_text, content='products', content_rowid='rowid', tokenize='unicode61 remove_diacritics 0', prefix='2 3')");
      await queryRunner.query(`CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
        INSERT INTO products_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
      END`);
      await queryRunner.query(`CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
      END`);
      // Only a change of the words: stock and price updates leave the index alone.
      await queryRunner.query(`CREATE TRIGGER products_fts_update AFTER UPDATE OF search_text ON products BEGIN
        INSERT INTO products_fts(products_fts, rowid, search_text) VALUES ('delete', old.rowid, old.search_text);
        INSERT INTO products_fts(rowid, search_text) VALUES (new.rowid, new.search_text);
      END`);
      await queryRunner.query("INSERT INTO products_fts(products_fts) VALUES ('rebuild')");
    }
    // A category page in each order the API sorts by, without sorting the category.
    await queryRunner.query('CREATE INDEX "IDX_products_category_price" ON products (category, price_cents, id)');
    await queryRunner.query('CREATE INDEX "IDX_products_category_name" ON products (category, name_folded, id)');
    // A page's total (COUNT(DISTINCT id) of the active products of a category) from the index alone.
    await queryRunner.query('CREATE INDEX "IDX_products_category_active" ON products (category, active, id)');
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    const postgres = queryRunner.connection.options.type === 'postgres';
    await queryRunner.query('DROP INDEX "IDX_products_category_active"');
    await queryRunner.query('DROP INDEX "IDX_products_category_name"');
    await queryRunner.query('DROP INDEX "IDX_products_category_price"');
    if (postgres) {
      await queryRunner.query('DROP INDEX "IDX_products_search"');
      await queryRunner.query('ALTER TABLE products DROP COLUMN search');
    } else {
      for (const trigger of ['products_fts_insert', 'products_fts_delete', 'products_fts_update']) await queryRunner.query(`DROP TRIGGER ${trigger}`);
      await queryRunner.query('DROP TABLE products_fts');
    }
    await queryRunner.query('ALTER TABLE products DROP COLUMN search_text');
  }
}
