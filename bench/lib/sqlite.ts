/**
 * better-sqlite3 (already a dependency: TypeORM's SQLite driver) opened straight on a
 * module's database file, for seeding millions of rows in a few seconds. It ships no types
 * and nothing else in the project needs them: the few calls used here, typed.
 */
export interface SqliteStatement {
  run(...params: unknown[]): unknown;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}

export interface SqliteDatabase {
  pragma(statement: string): unknown;
  prepare(sql: string): SqliteStatement;
  transaction<A extends unknown[]>(run: (...args: A) => void): (...args: A) => void;
  close(): void;
}

export function openSqlite(file: string): SqliteDatabase {
  const Database = require('better-sqlite3') as new (file: string) => SqliteDatabase;
  const db = new Database(file);
  db.pragma('busy_timeout = 5000');
  return db;
}
