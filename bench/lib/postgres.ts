import { createModuleDatabases, dropModuleDatabases } from '../../test/support/postgres';

/** The admin connection the split system's databases are created with (BENCH_POSTGRES_URL). */
export function postgresAdminUrl(): string {
  return process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

/** A fresh database per module; returns the DATABASE_URL_<MODULE> variables. */
export function createDatabases(prefix: string, modules: string[]): Promise<Record<string, string>> {
  return createModuleDatabases(prefix, modules, postgresAdminUrl());
}

export function dropDatabases(prefix: string, modules: string[]): Promise<void> {
  return dropModuleDatabases(prefix, modules, postgresAdminUrl());
}
