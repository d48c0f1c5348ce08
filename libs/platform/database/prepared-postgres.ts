import { createHash } from 'node:crypto';
import { QueryFailedError, QueryRunner } from 'typeorm';
import { BroadcasterResult } from 'typeorm/subscriber/BroadcasterResult';

/** What node-postgres answers a query with (the part used here). */
interface PgResult {
  rows: unknown[];
  rowCount: number | null;
}

interface PgClient {
  query(config: { name: string; text: string; values: readonly unknown[] }): Promise<PgResult>;
}

/**
 * A statement's name on every connection that runs it: from its text, so that every
 * LeanSql of a process (they share the module's pool) gives one text one name.
 */
export function statementName(text: string): string {
  return `cleave_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
}

/**
 * Runs a named statement on the runner's PostgreSQL connection: node-postgres parses it once
 * per connection and PostgreSQL keeps it prepared, instead of parsing and planning the same
 * text on every call (TypeORM's `query` sends every statement unnamed). TypeORM's query
 * events are sent as its own `query` sends them, so subscribers (the query spans) see it.
 */
export async function queryPrepared(runner: QueryRunner, name: string, text: string, params: readonly unknown[]): Promise<{ records: unknown[]; affected: number }> {
  const client = (await runner.connect()) as PgClient;
  const events = new BroadcasterResult();
  runner.broadcaster.broadcastBeforeQueryEvent(events, text, params as unknown[]);
  const start = Date.now();
  try {
    const raw = await client.query({ name, text, values: params });
    runner.broadcaster.broadcastAfterQueryEvent(events, text, params as unknown[], true, Date.now() - start, raw, undefined);
    return { records: raw.rows, affected: raw.rowCount ?? 0 };
  } catch (error) {
    runner.broadcaster.broadcastAfterQueryEvent(events, text, params as unknown[], false, undefined, undefined, error);
    throw new QueryFailedError(text, params as unknown[], error as Error);
  } finally {
    await events.wait();
  }
}
