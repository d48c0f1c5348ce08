import { DataSource } from 'typeorm';

/**
 * TypeORM drives a SQLite database through one shared connection: a write issued while a
 * transaction is open silently joins it (and is rolled back with it), and a second
 * transaction nests as a savepoint of the first. So on SQLite a module's writes take turns;
 * PostgreSQL gives each transaction its own connection and needs no queue.
 * DatabaseModule.forModule provides one per module; inject `WriteQueue`.
 */
export class WriteQueue {
  private readonly serial: boolean;
  private tail: Promise<unknown> = Promise.resolve();

  constructor(dataSource: DataSource) {
    this.serial = dataSource.options.type === 'better-sqlite3' || dataSource.options.type === 'sqlite';
  }

  run<T>(write: () => Promise<T>): Promise<T> {
    if (!this.serial) return write();
    const result = this.tail.then(write);
    this.tail = result.catch(() => undefined);
    return result;
  }
}
