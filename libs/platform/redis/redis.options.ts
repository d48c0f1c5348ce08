import type { RedisSettings } from './redis.settings';
import { RedisTarget, redisTarget } from './redis.target';

/** Where this process's Redis is and how its keys and connections are named. */
export interface RedisConnectionOptions {
  target: RedisTarget;
  /** Prefix of every Redis key and channel (so test runs and tenants stay apart). */
  prefix: string;
  /** Names each connection in CLIENT LIST: `<clientName>:<role>` (the instance id). */
  clientName: string;
  /** Replicas that must hold a published event before the publish counts (WAIT); 0: none. */
  replicasToAck?: number;
}

export const REDIS_OPTIONS = Symbol('REDIS_OPTIONS');

/** The connection options the settings describe, for a process or CLI named `clientName`. */
export function connectionOptionsFrom(settings: RedisSettings, clientName: string): RedisConnectionOptions {
  return { target: redisTarget(settings), prefix: settings.prefix, clientName, replicasToAck: settings.replicasToAck };
}
