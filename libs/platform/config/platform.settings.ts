import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Env, readInt, readOptional, readString } from './env';

/** What every process needs to know about itself, read once from the environment at start. */
export interface PlatformSettings {
  production: boolean;
  /** Reported to the registry: CLEAVE_VERSION, else package.json's version. */
  version: string;
  /** How often an instance refreshes its registry entry; it expires after three missed beats. */
  heartbeatMs: number;
  topologyName: string;
  /** Undefined until resolved against the topology (a one-process topology needs no name). */
  processName?: string;
  /** HTTP port; 0 picks a free one. */
  port: number;
  /** Loopback by default outside production: a development setup is not on the network. */
  host: string;
  redisUrl: string;
  redisPrefix: string;
  /** Where each module's SQLite file lives when it has no database URL. */
  dataDir: string;
  /** `DATABASE_URL_<MODULE>` by module name. */
  databaseUrls: Readonly<Record<string, string | undefined>>;
  /** The outbox relay: poll for rows left behind, back off while the bus refuses. */
  outbox: { pollMs: number; batchSize: number; maxBackoffMs: number };
  bus: {
    requestTimeoutMs: number;
    maxInFlight: number;
    batchSize: number;
    eventClaimIdleMs: number;
    eventClaimIntervalMs: number;
    eventMaxDeliveries: number;
    faultDelays?: string;
  };
}

export const PLATFORM_SETTINGS = Symbol('PLATFORM_SETTINGS');

export function readPlatformSettings(env: Env, defaults: { topology: string; process?: string }): PlatformSettings {
  const processName = readOptional(env, 'CLEAVE_PROCESS') ?? defaults.process;
  const databaseUrls: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const match = /^DATABASE_URL_([A-Z0-9_]+)$/.exec(name);
    if (match && value?.trim()) databaseUrls[match[1].toLowerCase()] = value.trim();
  }
  return {
    production: env.NODE_ENV === 'production',
    version: readString(env, 'CLEAVE_VERSION', packageVersion()),
    heartbeatMs: readInt(env, 'CLEAVE_HEARTBEAT_MS', 2000, 50),
    topologyName: readString(env, 'CLEAVE_TOPOLOGY', defaults.topology),
    processName,
    port: readInt(env, 'PORT', 3000, 0, 65535),
    host: readString(env, 'HOST', env.NODE_ENV === 'production' ? '0.0.0.0' : '127.0.0.1'),
    redisUrl: readString(env, 'REDIS_URL', 'redis://127.0.0.1:6379'),
    redisPrefix: readString(env, 'CLEAVE_REDIS_PREFIX', 'cleave'),
    dataDir: readString(env, 'CLEAVE_DATA_DIR', 'data'),
    databaseUrls,
    outbox: {
      pollMs: readInt(env, 'CLEAVE_OUTBOX_POLL_MS', 1000, 10),
      batchSize: readInt(env, 'CLEAVE_OUTBOX_BATCH', 100, 1, 10_000),
      maxBackoffMs: readInt(env, 'CLEAVE_OUTBOX_MAX_BACKOFF_MS', 5000, 10),
    },
    bus: {
      requestTimeoutMs: readInt(env, 'CLEAVE_BUS_TIMEOUT_MS', 3000, 1),
      maxInFlight: readInt(env, 'CLEAVE_BUS_MAX_IN_FLIGHT', 256, 1),
      batchSize: readInt(env, 'CLEAVE_BUS_BATCH', 64, 1, 10_000),
      eventClaimIdleMs: readInt(env, 'CLEAVE_EVENTS_CLAIM_IDLE_MS', 30_000, 1),
      eventClaimIntervalMs: readInt(env, 'CLEAVE_EVENTS_CLAIM_INTERVAL_MS', 1000, 10),
      eventMaxDeliveries: readInt(env, 'CLEAVE_EVENTS_MAX_DELIVERIES', 10, 1),
      faultDelays: readOptional(env, 'CLEAVE_FAULT_DELAY_MS'),
    },
  };
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
