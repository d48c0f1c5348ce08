import { Topology } from './topology';

/**
 * Who this process is: the topology it belongs to, its process name in it, and its unique
 * instance id. Every platform lib that behaves differently in one process and split (the
 * span store, the read cache, the registry, readiness) reads it here, not from the bus.
 */
export interface ProcessIdentity {
  topology: Topology;
  /** The process this is, a key of the topology. */
  processName: string;
  /** Unique per running process: `<process>-<host>-<pid>-<random>`. */
  instanceId: string;
}

export const PROCESS_IDENTITY = Symbol('PROCESS_IDENTITY');
