import { InstanceInfo } from './instance-info';

/** Where instances announce themselves; one backend per topology kind. */
export abstract class ServiceRegistry {
  /** Registers or refreshes this instance; it vanishes if not refreshed in time. */
  abstract announce(info: InstanceInfo): Promise<void>;
  /** Removes this instance at once (clean shutdown). */
  abstract withdraw(instanceId: string): Promise<void>;
  /** Every live instance of every process. */
  abstract instances(): Promise<InstanceInfo[]>;
}
