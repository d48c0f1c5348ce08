import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'products' })
export class Product {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  /** Lower case, so filtering by category needs no case folding in SQL. */
  @Column({ type: 'varchar', length: 50 })
  category!: string;

  /** Integer cents: money is never a float. */
  @Column({ name: 'price_cents', type: 'integer' })
  priceCents!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  /** Never negative: only ever decremented by a conditional update. */
  @Column({ type: 'integer' })
  stock!: number;

  /** An inactive product is not listed (unless asked by an admin) and cannot be reserved. */
  @Column({ type: 'boolean' })
  active!: boolean;

  /**
   * name and description lower-cased by JavaScript, not SQL: SQLite's LOWER() folds ASCII
   * only, PostgreSQL's follows its locale, so searching and sorting by these columns gives
   * the same answer on both.
   */
  @Column({ name: 'name_folded', type: 'text' })
  nameFolded!: string;

  @Column({ name: 'description_folded', type: 'text' })
  descriptionFolded!: string;

  /** The words search looks in (search-words.ts), full-text indexed by each database. */
  @Column({ name: 'search_text', type: 'text', select: false })
  searchText!: string;

  /** ISO-8601 UTC; a string sorts and compares the same on SQLite and PostgreSQL. */
  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ name: 'updated_at', type: 'varchar', length: 32 })
  updatedAt!: string;
}
