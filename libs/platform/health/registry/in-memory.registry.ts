import { InstanceInfo } from './instance-info';
import { ServiceRegistry } from './service-registry';

/** One process: the only instance there is, itself. */
export class InMemoryRegistry extends ServiceRegistry {
  private readonly entries = new Map<string, InstanceInfo>();

  async announce(info: InstanceInfo): Promise<void> {
    this.entries.set(info.instanceId, info);
  }

  async withdraw(instanceId: string): Promise<void> {
    this.entries.delete(instanceId);
  }

  async instances(): Promise<InstanceInfo[]> {
    return [...this.entries.values()];
  }
}
