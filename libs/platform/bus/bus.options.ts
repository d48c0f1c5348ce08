import { ResilienceConfig } from '@cleave/platform/resilience';
import { ProcessIdentity, Topology } from '@cleave/platform/process';

/**
 * Everything the bus needs to know about this process, validated once at start. Split, its
 * Redis transport uses the process's RedisConnections (RedisModule).
 */
export interface BusOptions extends ProcessIdentity {
  /** Deadline of a call when neither the caller nor the resilience config gives one. */
  requestTimeoutMs: number;
  /** Timeouts, retries, breakers and bulkheads per target (config/resilience.json). */
  resilience: ResilienceConfig;
  /** Most handlers one instance runs at once; the rest wait in the queue (backpressure). */
  maxInFlight: number;
  /** Most messages taken from Redis in one read. */
  batchSize: number;
  /** A pending event unacknowledged this long is claimed by another instance. */
  eventClaimIdleMs: number;
  /** How often an instance looks for such events. */
  eventClaimIntervalMs: number;
  /** An event delivered this many times without success goes to the dead-letter stream. */
  eventMaxDeliveries: number;
  /** Test and chaos knobs, see faults.ts. */
  faultDelays?: string;
  faultFailures?: string;
  /** Seals the secret fields of requests that cross Redis (sealing.ts); the development key when unset. */
  sealKey?: string;
}

/**
 * What a transport's client and server need of BusOptions: a CleaveServer or CleaveClient
 * in a plain Nest app has no topology (every pattern is routed through the RouteTable) and
 * brings its own resilience policies, if any.
 */
export type TransportOptions = Omit<BusOptions, 'topology' | 'resilience'> & {
  topology?: Topology;
  /** Routes given in configuration: pattern (normalised the Nest way) -> app; see RouteTable. */
  routes?: Readonly<Record<string, string>>;
  /** Plain patterns (normalised) safe to send again: the only ones retried. */
  idempotent?: readonly string[];
};

export const BUS_OPTIONS = Symbol('BUS_OPTIONS');
