import Redis from 'ioredis';
import { RedisKeys } from '@cleave/platform/redis';
import { InstanceInfo } from './instance-info';
import { ServiceRegistry } from './service-registry';

/**
 * A key per instance (RedisKeys.instance), written with a TTL by every
 * heartbeat: an instance that stops heartbeating (crashed, frozen, cut off) disappears when
 * its key expires, with nobody to clean up after it.
 */
export class RedisRegistry extends ServiceRegistry {
  constructor(
    private readonly redis: Redis,
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
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await this.redis.scan(cursor, 'MATCH', this.keys.instancePattern(), 'COUNT', 200);
      keys.push(...batch);
      cursor = next;
    } while (cursor !== '0');
    if (!keys.length) return [];
    const values = await this.redis.mget(...keys);
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as InstanceInfo);
  }

  private key(instanceId: string): string {
    return this.keys.instance(instanceId);
  }
}
