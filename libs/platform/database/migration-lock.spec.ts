import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { DataSource, MigrationInterface, QueryRunner } from 'typeorm';
import { postgresAdminUrl } from '../../../test/support/postgres';
import { runMigrationsLocked } from './migration-lock';

class CreateThings1700000000001 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('CREATE TABLE things (id serial PRIMARY KEY, name text NOT NULL)');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('DROP TABLE things');
  }
}

class AddThingsKind1700000000002 implements MigrationInterface {
  async up(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE things ADD COLUMN kind text');
  }
  async down(runner: QueryRunner): Promise<void> {
    await runner.query('ALTER TABLE things DROP COLUMN kind');
  }
}

async function admin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: postgresAdminUrl() });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

describe('runMigrationsLocked on PostgreSQL', () => {
  const name = `cleave_lifecycle_lock_${randomBytes(4).toString('hex')}`;
  const url = Object.assign(new URL(postgresAdminUrl()), { pathname: `/${name}` }).toString();

  beforeAll(() => admin((client) => client.query(`CREATE DATABASE "${name}"`)));
  afterAll(() => admin((client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)));

  it('lets replicas starting together on an empty database migrate one at a time, without an error', async () => {
    // Unlocked, these runners race to create the migrations table and `things` (a duplicate key in pg_type).
    const runners = Array.from({ length: 4 }, () =>
      new DataSource({ type: 'postgres', url, migrations: [CreateThings1700000000001, AddThingsKind1700000000002], migrationsTableName: 'things_migrations' }),
    );
    await Promise.all(runners.map((ds) => ds.initialize()));
    try {
      const applied = await Promise.all(runners.map((ds) => runMigrationsLocked(ds, 'things')));
      expect(applied.map((list) => list.length).sort()).toEqual([0, 0, 0, 2]);
      const [{ count }] = await runners[0].query('SELECT count(*)::int AS count FROM things_migrations');
      expect(count).toBe(2);
    } finally {
      await Promise.all(runners.map((ds) => ds.destroy()));
    }
  });
});
