import 'reflect-metadata';
import { AfterQueryEvent, DataSource, DataSourceOptions, EntitySubscriberInterface, EventSubscriber } from 'typeorm';
import { createModuleDatabases, dropModuleDatabases } from '../../../test/support/postgres';
import { isUniqueViolation } from './unique-violation';
import { LeanSql } from './lean-sql';

/** What the query events carry to subscribers such as the tracing one. */
const seen: AfterQueryEvent<unknown>[] = [];
@EventSubscriber()
class Recorder implements EntitySubscriberInterface {
  afterQuery(event: AfterQueryEvent<unknown>): void {
    seen.push(event);
  }
}

const CREATE = 'CREATE TABLE things (id varchar(36) PRIMARY KEY, n integer NOT NULL, flag boolean NOT NULL)';
const INSERT = 'INSERT INTO things (id, n, flag) VALUES (?, ?, ?)';
const BUMP = 'UPDATE things SET n = n + ? WHERE id = ? AND n = ? RETURNING n';

/**
 * The same statements on SQLite and on real PostgreSQL (named, prepared per connection).
 * Fails, never skips, without PostgreSQL.
 */
describe.each(['sqlite', 'postgres'] as const)('LeanSql on %s', (kind) => {
  const prefix = `cleave_leansql_spec_${process.pid}_${Date.now()}`;
  let dataSource: DataSource;
  let sql: LeanSql;

  beforeAll(async () => {
    const common = { subscribers: [Recorder] };
    const options: DataSourceOptions =
      kind === 'sqlite'
        ? { type: 'better-sqlite3', database: ':memory:', ...common }
        : { type: 'postgres', url: (await createModuleDatabases(prefix, ['things'])).DATABASE_URL_THINGS, extra: { max: 4 }, ...common };
    dataSource = await new DataSource(options).initialize();
    await dataSource.query(CREATE);
    sql = new LeanSql(dataSource);
  }, 30_000);

  afterAll(async () => {
    await dataSource?.destroy();
    if (kind === 'postgres') await dropModuleDatabases(prefix, ['things']);
  }, 30_000);

  it('writes, counts what changed, and reads back with RETURNING', async () => {
    expect(await sql.changed(dataSource.manager, INSERT, ['a', 1, sql.bool(true)])).toBe(1);
    expect(await sql.rows(dataSource.manager, BUMP, [2, 'a', 1])).toEqual([{ n: 3 }]);
    // A compare-and-set that finds the row moved on changes nothing and answers no row.
    expect(await sql.rows(dataSource.manager, BUMP, [2, 'a', 1])).toEqual([]);
    const [row] = await sql.rows<{ flag: unknown }>(dataSource.manager, 'SELECT flag FROM things WHERE id = ?', ['a']);
    expect(Boolean(row.flag)).toBe(true);
  });

  it('runs the same statement on many connections at once', async () => {
    await Promise.all(Array.from({ length: 12 }, (_, i) => sql.changed(dataSource.manager, INSERT, [`many-${i}`, i, sql.bool(false)])));
    const rows = await sql.rows<{ count: number | string }>(dataSource.manager, "SELECT COUNT(*) AS count FROM things WHERE id LIKE 'many-%'", []);
    expect(Number(rows[0].count)).toBe(12);
  });

  it('runs in a transaction of the manager it is given, and rolls back with it', async () => {
    await expect(
      dataSource.transaction(async (manager) => {
        await sql.changed(manager, INSERT, ['rolled-back', 1, sql.bool(false)]);
        expect(await sql.rows(manager, 'SELECT id FROM things WHERE id = ?', ['rolled-back'])).toHaveLength(1);
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect(await sql.rows(dataSource.manager, 'SELECT id FROM things WHERE id = ?', ['rolled-back'])).toEqual([]);
  });

  it('fails a duplicate key as a unique violation', async () => {
    const duplicate = await sql.changed(dataSource.manager, INSERT, ['a', 9, sql.bool(false)]).catch((error: unknown) => error);
    expect(isUniqueViolation(duplicate)).toBe(true);
  });

  it('tells query subscribers (the query spans) of every statement it runs', async () => {
    seen.length = 0;
    await sql.rows(dataSource.manager, 'SELECT n FROM things WHERE id = ?', ['a']);
    expect(seen.map((event) => [event.query, event.success])).toEqual([[kind === 'postgres' ? 'SELECT n FROM things WHERE id = $1' : 'SELECT n FROM things WHERE id = ?', true]]);
  });
});
