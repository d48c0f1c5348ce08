import type { ConnectionOptions } from 'node:tls';
import Redis, { Cluster, RedisOptions } from 'ioredis';
import { RedisAuth, RedisTarget } from './redis.target';

/**
 * A connection to this system's Redis, whichever way it is reached: ioredis's `Redis` for one
 * server or a Sentinel-managed master, its `Cluster` for a Redis Cluster. Both take the same
 * commands; code that needs to know (SCAN, which only sees one node) asks `isCluster`.
 */
export type RedisConnection = Redis | Cluster;

export interface CreateRedisOptions {
  /** Shown in CLIENT LIST, so an operator can tell whose connection it is. */
  connectionName?: string;
  /** Batches commands issued in the same tick (per node, in a cluster). */
  enableAutoPipelining?: boolean;
  /** null: a command waits through reconnects (a blocking reader); a number: fails after so many. */
  maxRetriesPerRequest?: number | null;
  /** Delay before reconnect attempt N, or null to give up. */
  retryStrategy?: (attempt: number) => number | null;
  lazyConnect?: boolean;
  enableOfflineQueue?: boolean;
  connectTimeout?: number;
}

const reconnect = (attempt: number) => Math.min(50 * 2 ** attempt, 2000);

/**
 * The one place a Redis connection is made (the apps, the CLIs, the tests and the bench all
 * come here), so a switch from one server to a cluster or Sentinel is a setting, not code.
 */
export function createRedisConnection(target: RedisTarget, options: CreateRedisOptions = {}): RedisConnection {
  const { retryStrategy = reconnect, enableAutoPipelining, enableOfflineQueue, lazyConnect, ...perConnection } = options;
  const common: RedisOptions = { ...perConnection, ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }), ...(lazyConnect ? { lazyConnect } : {}) };
  if (target.mode === 'cluster') {
    const cluster: Cluster = new Cluster(target.nodes, {
      enableAutoPipelining,
      // Auto-pipelines go to the node of a command's first key, and ioredis finds no key in these
      // (`XGROUP CREATE <key>`, `XINFO GROUPS <key>`): routed by their subcommand's name, they hit
      // the wrong node and their MOVED is not followed inside a pipeline. Sent on their own, it is.
      autoPipeliningIgnoredCommands: ['xgroup', 'xinfo'],
      ...(lazyConnect ? { lazyConnect } : {}),
      ...(enableOfflineQueue === undefined ? {} : { enableOfflineQueue }),
      clusterRetryStrategy: (attempt) => retryStrategy(attempt),
      // A master's death is noticed by the cluster within its node timeout; meanwhile commands
      // for its slots wait and retry rather than fail at once.
      retryDelayOnFailover: 200,
      retryDelayOnClusterDown: 200,
      redisOptions: {
        ...perConnection,
        ...credentials(target),
        // ioredis follows a MOVED only when a whole pipeline got the same one (redis/ioredis#2075):
        // an auto-pipeline mixing slots after a failover hands the MOVED to its callers and
        // leaves the slot map as it was, and nothing else refreshes it (no slotsRefreshInterval
        // by default). Every reply a node sends passes here, so any MOVED re-reads the map.
        reconnectOnError: (error) => {
          if (error.message.startsWith('MOVED ')) cluster.refreshSlotsCache();
          return false;
        },
      },
    });
    return cluster;
  }
  if (target.mode === 'sentinel') {
    return new Redis({
      ...common,
      enableAutoPipelining,
      retryStrategy,
      sentinels: target.sentinels,
      name: target.name,
      ...credentials(target),
      ...(target.sentinelPassword ? { sentinelPassword: target.sentinelPassword } : {}),
      ...(target.tls ? { enableTLSForSentinelMode: true } : {}),
      // After a failover the old master may come back as a replica: a write it refuses means
      // "ask the sentinels again", not an error to hand to the caller.
      reconnectOnError: (error) => (error.message.startsWith('READONLY') ? 2 : false),
      // Told by the sentinels of a promotion at once, rather than when the old master's socket dies.
      failoverDetector: true,
    });
  }
  const { url, username, password } = splitCredentials(target.url);
  return new Redis(url, {
    ...common,
    enableAutoPipelining,
    retryStrategy,
    ...credentials({ ...target, username: username || target.username, password: password || target.password }),
  });
}

/**
 * A URL's user and password, each taken apart from the URL. ioredis would read both from the
 * URL and let neither be filled from the options (`redis://orders@host` sends an empty
 * password, `redis://:pw@host` logs in as `default`), so a part the URL leaves out comes from
 * REDIS_USERNAME / REDIS_PASSWORD instead.
 */
function splitCredentials(raw: string): { url: string; username: string; password: string } {
  let parsed: URL;
  try {
    parsed = new URL(raw);
  } catch {
    return { url: raw, username: '', password: '' };
  }
  const username = decodeURIComponent(parsed.username);
  const password = decodeURIComponent(parsed.password);
  parsed.username = '';
  parsed.password = '';
  return { url: parsed.toString(), username, password };
}

function credentials(auth: RedisAuth): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  return {
    ...(auth.username ? { username: auth.username } : {}),
    ...(auth.password ? { password: auth.password } : {}),
    ...(auth.tls ? { tls: auth.tls === true ? {} : (auth.tls satisfies ConnectionOptions) } : {}),
  };
}

export function isCluster(client: RedisConnection): client is Cluster {
  return client instanceof Cluster;
}
