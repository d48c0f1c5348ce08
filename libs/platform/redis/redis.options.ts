/** Where this process's Redis is and how its keys and connections are named. */
export interface RedisConnectionOptions {
  url: string;
  /** Prefix of every Redis key and channel (so test runs and tenants stay apart). */
  prefix: string;
  /** Names each connection in CLIENT LIST: `<clientName>:<role>` (the instance id). */
  clientName: string;
}

export const REDIS_OPTIONS = Symbol('REDIS_OPTIONS');
