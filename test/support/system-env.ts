import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { RedisConnection, scanKeys } from '@cleave/platform/redis';
import { createModuleDatabases, dropModuleDatabases, postgresAdminUrl } from './postgres';

/** The repository root: this file runs from test/support, and compiled from dist-bench/test/support. */
export const ROOT = repositoryRoot();

function repositoryRoot(): string {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'config/topology'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no repository root (a folder with config/topology) above ${__dirname}`);
  }
}

export interface TopologyFile {
  processes: Record<string, { gateway?: boolean; modules?: string[] }>;
}

export function topologyFile(name: string): TopologyFile {
  return JSON.parse(readFileSync(join(ROOT, 'config/topology', `${name}.json`), 'utf8')) as TopologyFile;
}

/** Every domain module, as the split topology hosts them. */
export function moduleNames(): string[] {
  return Object.values(topologyFile('split').processes).flatMap((p) => p.modules ?? []);
}

/** Deletes every key under a prefix (SCAN, never KEYS on a shared server; every master of a cluster). */
export async function deleteKeys(redis: RedisConnection, prefix: string): Promise<void> {
  const keys = await scanKeys(redis, `${prefix}:*`, 1000);
  // One DEL per key: on a cluster the keys live in many slots.
  for (let i = 0; i < keys.length; i += 1000) await Promise.all(keys.slice(i, i + 1000).map((key) => redis.del(key)));
}

export interface SystemEnvOptions {
  /** Names this run's data directory, Redis prefix and databases (e.g. `test`, `bench`). */
  tag: string;
  redisUrl: string;
  admin: { email: string; password: string };
  /** Beyond one process: each module on its own fresh PostgreSQL database, or on SQLite files. */
  database: 'postgres' | 'sqlite';
  postgresAdminUrl?: string;
}

export interface SystemEnv {
  /** The environment every process of the system shares (CLEAVE_PROCESS aside). */
  env: Record<string, string>;
  prefix: string;
  /** Removes what the run created: its Redis keys, databases and data directory. */
  dispose(redis?: RedisConnection): Promise<void>;
}

/**
 * What a throwaway Cleave system runs against: a fresh data directory, its own Redis key
 * prefix, an administrator, and (beyond one process, on PostgreSQL) a fresh database per module.
 */
export async function prepareSystemEnv(topology: string, options: SystemEnvOptions): Promise<SystemEnv> {
  const runId = `${topology}_${randomBytes(4).toString('hex')}`;
  const dataDir = mkdtempSync(join(tmpdir(), `cleave-${options.tag}-${topology}-`));
  const prefix = `cleave-${options.tag}-${runId}`;
  const env: Record<string, string> = {
    HOST: '127.0.0.1',
    PORT: '0',
    CLEAVE_TOPOLOGY: topology,
    CLEAVE_DATA_DIR: dataDir,
    CLEAVE_CONFIG_DIR: join(ROOT, 'config'),
    REDIS_URL: options.redisUrl,
    CLEAVE_REDIS_PREFIX: prefix,
    ADMIN_EMAIL: options.admin.email,
    ADMIN_PASSWORD: options.admin.password,
    JWT_SECRET: `${options.tag}-secret-${randomBytes(16).toString('hex')}`,
    CLEAVE_CORS_ORIGINS: 'http://shop.test',
    // Every test and benchmark client calls from 127.0.0.1: limits it never reaches (the
    // rate-limit suite sets tight ones).
    CLEAVE_RATE_LIMIT: '1000000/1m',
    CLEAVE_RATE_LIMIT_AUTH: '1000000/1m',
    CLEAVE_RATE_LIMIT_CHECKOUT: '1000000/1m',
    CLEAVE_LOGIN_FREE_FAILURES: '1000',
  };
  const adminUrl = options.postgresAdminUrl ?? postgresAdminUrl();
  const databasePrefix = topology !== 'monolith' && options.database === 'postgres' ? `cleave_${options.tag}_${runId}` : undefined;
  if (databasePrefix) Object.assign(env, await createModuleDatabases(databasePrefix, moduleNames(), adminUrl));
  return {
    env,
    prefix,
    async dispose(redis?: RedisConnection) {
      if (redis) await deleteKeys(redis, prefix);
      if (databasePrefix) await dropModuleDatabases(databasePrefix, moduleNames(), adminUrl);
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
