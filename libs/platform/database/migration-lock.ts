import { DataSource, Migration } from 'typeorm';

/** Longest a runner waits for another's migrations on the same SQLite file. */
const SQLITE_LOCK_WAIT_MS = 120_000;

/**
 * Runs a module's pending migrations, one runner at a time per database, so replicas
 * starting together on an empty database never race to create the same table (PostgreSQL
 * answers the loser with a duplicate key in pg_type). The others wait, then find nothing
 * left to do.
 * - PostgreSQL: a session advisory lock, held on a connection of its own around the run.
 * - SQLite: an exclusive transaction on a sibling lock file, so SQLite's own file lock
 *   serialises processes (the database file itself cannot hold it: the run writes there).
 */
export async function runMigrationsLocked(dataSource: DataSource, module: string): Promise<Migration[]> {
  if (dataSource.options.type === 'postgres') return withAdvisoryLock(dataSource, `cleave:migrations:${module}`, () => dataSource.runMigrations());
  if (dataSource.options.type === 'better-sqlite3') return withFileLock(`${dataSource.options.database}.migrations-lock`, () => dataSource.runMigrations());
  return dataSource.runMigrations();
}

async function withAdvisoryLock<T>(dataSource: DataSource, key: string, run: () => Promise<T>): Promise<T> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [key]);
    try {
      return await run();
    } finally {
      await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [key]);
    }
  } finally {
    await runner.release();
  }
}

async function withFileLock<T>(file: string, run: () => Promise<T>): Promise<T> {
  // `timeout` is SQLite's busy timeout: BEGIN EXCLUSIVE waits that long for another holder.
  const lock = await new DataSource({ type: 'better-sqlite3', database: file, timeout: SQLITE_LOCK_WAIT_MS }).initialize();
  try {
    await lock.query('BEGIN EXCLUSIVE');
    try {
      return await run();
    } finally {
      await lock.query('COMMIT');
    }
  } finally {
    await lock.destroy();
  }
}
