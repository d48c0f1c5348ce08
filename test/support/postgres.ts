import { Client } from 'pg';

const DEFAULT_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

/** The admin connection the tests create their databases with. */
export function postgresAdminUrl(): string {
  return process.env.CLEAVE_TEST_POSTGRES_URL ?? DEFAULT_URL;
}

async function withAdmin<T>(adminUrl: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `Each module of the split topology runs on its own PostgreSQL database, and ${adminUrl} cannot be reached ` +
        `(${(error as Error).message}).\nStart PostgreSQL (Debian: apt-get install -y postgresql, then pg_ctlcluster 15 main start) ` +
        'or point CLEAVE_TEST_POSTGRES_URL (tests) or BENCH_POSTGRES_URL (benchmarks) at a server where this user may create databases.',
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** Creates one fresh database per module; returns DATABASE_URL_<MODULE> variables for them. */
export async function createModuleDatabases(prefix: string, modules: string[], adminUrl = postgresAdminUrl()): Promise<Record<string, string>> {
  return withAdmin(adminUrl, async (client) => {
    const env: Record<string, string> = {};
    for (const module of modules) {
      const name = `${prefix}_${module}`;
      await client.query(`DROP DATABASE IF EXISTS "${name}"`);
      await client.query(`CREATE DATABASE "${name}"`);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      env[`DATABASE_URL_${module.toUpperCase()}`] = url.toString();
    }
    return env;
  });
}

export async function dropModuleDatabases(prefix: string, modules: string[], adminUrl = postgresAdminUrl()): Promise<void> {
  await withAdmin(adminUrl, async (client) => {
    for (const module of modules) await client.query(`DROP DATABASE IF EXISTS "${prefix}_${module}" WITH (FORCE)`);
  });
}
