import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { MsPattern } from '@nestjs/microservices';
import { transformPatternToRoute } from '@nestjs/microservices/utils';
import { RedisConnectionOptions, RedisTarget } from '@cleave/platform/redis';
import { ResilienceConfig } from '@cleave/platform/resilience';
import { TransportOptions } from '../bus.options';

/**
 * What a CleaveServer or CleaveClient needs in a plain Nest app, without Cleave's DI or
 * configuration: where Redis is, the app's name, and the bus's knobs (Cleave's defaults).
 */
export interface CleaveTransportOptions {
  /**
   * The app (service) this process is an instance of: the queue of its plain
   * `@MessagePattern`s and the consumer group of its `@EventPattern`s. Instances with the same
   * name share its requests (each handled once) and its events (each handled once in all).
   */
  app: string;
  /** `redis://[user:password@]host:port[/db]`; default `redis://127.0.0.1:6379`. */
  url?: string;
  /** A Redis Cluster or a Sentinel-managed master instead of `url` (see the README's Redis Cluster and Sentinel). */
  target?: RedisTarget;
  /** Prefix of every Redis key (apps that talk to each other share it); default `cleave`. */
  prefix?: string;
  /** Unique per process; default `<app>-<host>-<pid>-<random>`. */
  instanceId?: string;
  /** Deadline of a `send()` when its policy gives none; default 3000 ms. */
  requestTimeoutMs?: number;
  /** Handlers one instance runs at once; default 256. */
  maxInFlight?: number;
  /** Messages taken from Redis in one read; default 64. */
  batchSize?: number;
  /** An event left unacknowledged this long (a dead instance) is claimed by another; default 30 s. */
  eventClaimIdleMs?: number;
  /** How often an instance looks for such events; default 1 s. */
  eventClaimIntervalMs?: number;
  /** Deliveries before an event goes to its dead-letter stream; default 10. */
  eventMaxDeliveries?: number;
  /** Client: routes known before any server registered them, pattern -> app. */
  routes?: ReadonlyArray<{ pattern: MsPattern; app: string }>;
  /** Client: patterns safe to send twice, retried on a timeout or an unreachable target. */
  idempotent?: readonly MsPattern[];
  /** Client: timeouts, retries, breakers and bulkheads per app, as in config/resilience.json. */
  resilience?: ResilienceConfig;
}

export interface ResolvedTransportOptions {
  transport: TransportOptions;
  redis: RedisConnectionOptions;
}

export function resolveTransportOptions(options: CleaveTransportOptions): ResolvedTransportOptions {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(options.app ?? '')) throw new Error(`CleaveTransportOptions.app must be a name of letters, digits, ".", "_" or "-" (got ${JSON.stringify(options.app)})`);
  const instanceId = options.instanceId ?? `${options.app}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const routes: Record<string, string> = {};
  for (const { pattern, app } of options.routes ?? []) routes[transformPatternToRoute(pattern)] = app;
  return {
    transport: {
      processName: options.app,
      instanceId,
      requestTimeoutMs: options.requestTimeoutMs ?? 3000,
      maxInFlight: options.maxInFlight ?? 256,
      batchSize: options.batchSize ?? 64,
      eventClaimIdleMs: options.eventClaimIdleMs ?? 30_000,
      eventClaimIntervalMs: options.eventClaimIntervalMs ?? 1000,
      eventMaxDeliveries: options.eventMaxDeliveries ?? 10,
      routes,
      idempotent: (options.idempotent ?? []).map((pattern) => transformPatternToRoute(pattern)),
    },
    redis: { target: options.target ?? { mode: 'single', url: options.url ?? 'redis://127.0.0.1:6379' }, prefix: options.prefix ?? 'cleave', clientName: instanceId },
  };
}
