import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { CreateCatalog1767000000002 } from './1767000000002-create-catalog';
import { CatalogCategoriesReservations1767000000202 } from './1767000000202-catalog-categories-reservations';
import { CatalogFullTextSearch1767000000302 } from './1767000000302-catalog-full-text-search';

describe('catalog migrations', () => {
  it('carries products and reservations made before categories and statuses over', async () => {
    const old = new DataSource({ type: 'better-sqlite3', database: ':memory:', migrations: [CreateCatalog1767000000002] });
    await old.initialize();
    await old.runMigrations();
    await old.query("INSERT INTO products (id, name, description, price_cents, currency, stock, created_at) VALUES ('p1', 'Crème', 'Fine', 100, 'USD', 3, '2026-01-01T00:00:00.000Z')");
    await old.query("INSERT INTO stock_reservations (order_id, items, created_at) VALUES ('o1', '[]', '2026-01-02T00:00:00.000Z')");
    // The same database, one release later.
    const runner = old.createQueryRunner();
    await new CatalogCategoriesReservations1767000000202().up(runner);
    await runner.release();
    expect(await old.query('SELECT category, active, name_folded, description_folded, updated_at FROM products')).toEqual([
      { category: 'general', active: 1, name_folded: 'crème', description_folded: 'fine', updated_at: '2026-01-01T00:00:00.000Z' },
    ]);
    expect(await old.query('SELECT status, expires_at, updated_at FROM stock_reservations')).toEqual([
      { status: 'COMMITTED', expires_at: '2026-01-02T00:00:00.000Z', updated_at: '2026-01-02T00:00:00.000Z' },
    ]);
    await old.destroy();
  });

  it('indexes the words of products made before full-text search, and keeps the index in step', async () => {
    const old = new DataSource({ type: 'better-sqlite3', database: ':memory:', migrations: [CreateCatalog1767000000002, CatalogCategoriesReservations1767000000202] });
    await old.initialize();
    await old.runMigrations();
    await old.query("INSERT INTO products (id, name, description, price_cents, currency, stock, created_at) VALUES ('p1', 'Crème brûlée', 'Fine, 100%', 100, 'USD', 3, '2026-01-01T00:00:00.000Z')");
    const runner = old.createQueryRunner();
    await new CatalogFullTextSearch1767000000302().up(runner);
    await runner.release();
    const found = (match: string) => old.query('SELECT p.id FROM products p WHERE p.rowid IN (SELECT rowid FROM products_fts WHERE products_fts MATCH ?)', [match]);
    expect(await old.query('SELECT search_text FROM products')).toEqual([{ search_text: 'crème brûlée fine 100' }]);
    expect(await found('"brû"* "100"*')).toEqual([{ id: 'p1' }]);
    await old.query("UPDATE products SET stock = 2 WHERE id = 'p1'");
    await old.query("UPDATE products SET search_text = 'tarte' WHERE id = 'p1'");
    expect(await found('"crème"*')).toEqual([]);
    expect(await found('"tar"*')).toEqual([{ id: 'p1' }]);
    await old.query("DELETE FROM products WHERE id = 'p1'");
    expect(await found('"tar"*')).toEqual([]);
    await old.destroy();
  });
});
