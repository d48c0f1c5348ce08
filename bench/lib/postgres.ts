/** The admin connection the split system's databases are created with (BENCH_POSTGRES_URL). */
export function postgresAdminUrl(): string {
  return process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}
