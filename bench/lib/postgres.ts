import { Client } from 'pg';

/** The admin connection used to create the split topology's databases (BENCH_POSTGRES_URL). */
export function postgresAdminUrl(): string {
  return process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

async function withAdmin<T>(fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: postgresAdminUrl(), connectionTimeoutMillis: 3000 });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** A fresh database per module; returns the DATABASE_URL_<MODULE> variables. */
export function createDatabases(prefix: string, modules: string[]): Promise<Record<string, string>> {
  return withAdmin(async (client) => {
    const env: Record<string, string> = {};
    for (const module of modules) {
      const name = `${prefix}_${module}`;
      await client.query(`DROP DATABASE IF EXISTS "${name}"`);
      await client.query(`CREATE DATABASE "${name}"`);
      const url = new URL(postgresAdminUrl());
      url.pathname = `/${name}`;
      env[`DATABASE_URL_${module.toUpperCase()}`] = url.toString();
    }
    return env;
  });
}

export function dropDatabases(prefix: string, modules: string[]): Promise<void> {
  return withAdmin(async (client) => {
    for (const module of modules) await client.query(`DROP DATABASE IF EXISTS "${prefix}_${module}" WITH (FORCE)`);
  });
}
