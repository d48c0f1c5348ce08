import { getValues, RedisConnection, RedisKeys, scanKeys } from '@cleave/platform/redis';
import { InstanceInfo } from './instance-info';
import { ServiceRegistry } from './service-registry';

/**
 * A key per instance (RedisKeys.instance), written with a TTL by every
 * heartbeat: an instance that stops heartbeating (crashed, frozen, cut off) disappears when
 * its key expires, with nobody to clean up after it.
 */
export class RedisRegistry extends ServiceRegistry {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly ttlMs: number,
  ) {
    super();
  }

  async announce(info: InstanceInfo): Promise<void> {
    await this.redis.set(this.key(info.instanceId), JSON.stringify(info), 'PX', this.ttlMs);
  }

  async withdraw(instanceId: string): Promise<void> {
    await this.redis.del(this.key(instanceId));
  }

  async instances(): Promise<InstanceInfo[]> {
    const values = await getValues(this.redis, await scanKeys(this.redis, this.keys.instancePattern()));
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as InstanceInfo);
  }

  private key(instanceId: string): string {
    return this.keys.instance(instanceId);
  }
}
