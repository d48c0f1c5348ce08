import { ResilienceConfig } from '../resilience/resilience.config';
import { Topology } from './topology';

/** Everything the bus needs to know about this process, validated once at start. */
export interface BusOptions {
  topology: Topology;
  /** The process this is, a key of the topology. */
  processName: string;
  /** Unique per running process: `<process>-<host>-<pid>-<random>`. */
  instanceId: string;
  redisUrl: string;
  /** Prefix of every Redis key and channel the bus uses. */
  redisPrefix: string;
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
  /** Test and chaos knob, see faults.ts. */
  faultDelays?: string;
}

export const BUS_OPTIONS = Symbol('BUS_OPTIONS');
