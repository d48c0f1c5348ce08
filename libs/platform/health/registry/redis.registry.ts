import { getValues, RedisConnection, RedisKeys, scanKeys } from '@cleave/platform/redis';
import { InstanceInfo } from './instance-info';
import { ServiceRegistry } from './service-registry';

/**
 * A key per instance (RedisKeys.instance), written with a TTL by every heartbeat: an instance
 * that stops heartbeating (crashed, frozen, cut off) disappears when its key expires, with
 * nobody to clean up after it.
 *
 * Listing reads an index (RedisKeys.instanceIndex, a sorted set scored by each key's expiry)
 * and then the keys it names. Every process lists at each heartbeat (readiness), and a SCAN
 * walks the whole keyspace: with the caches, rate-limit counters and traces of a busy shop
 * (100k keys: 200 SCAN calls per listing, per process, every 2 s) it was the registry's cost.
 * An empty index (every instance still of a release before it) falls back to the SCAN.
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
    // Two keys of two slots on a cluster: no MULTI; the index entry outliving a failed SET is
    // harmless (its key is missing, so it is not listed).
    await Promise.all([
      this.redis.set(this.key(info.instanceId), JSON.stringify(info), 'PX', this.ttlMs),
      this.redis.zadd(this.keys.instanceIndex(), Date.now() + this.ttlMs, info.instanceId),
    ]);
  }

  async withdraw(instanceId: string): Promise<void> {
    await Promise.all([this.redis.del(this.key(instanceId)), this.redis.zrem(this.keys.instanceIndex(), instanceId)]);
  }

  async instances(): Promise<InstanceInfo[]> {
    const index = this.keys.instanceIndex();
    const now = Date.now();
    const [ids] = await Promise.all([this.redis.zrangebyscore(index, now, '+inf'), this.redis.zremrangebyscore(index, '-inf', `(${now}`)]);
    const keys = ids.length ? ids.map((id) => this.key(id)) : await scanKeys(this.redis, this.keys.instancePattern());
    const values = await getValues(this.redis, keys);
    return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as InstanceInfo);
  }

  private key(instanceId: string): string {
    return this.keys.instance(instanceId);
  }
}
