import type { InstanceConfigView } from '@cleave/platform/config-sync';

/** One process of GET /config: its live instances, oldest first. */
export interface ProcessConfigView {
  process: string;
  instances: InstanceConfigView[];
}

/** GET /config: every process of the topology, in its order. */
export interface SystemConfigView {
  topology: string;
  processes: ProcessConfigView[];
}
