import { createRedisConnection, RedisConnection, RedisKeys } from '@cleave/platform/redis';
import { PrivateRedis, startPrivateRedis } from '../../../../test/support/redis';
import { eventually } from '../../../../test/support/eventually';
import { InstanceInfo } from './instance-info';
import { RedisRegistry } from './redis.registry';

const info = (instanceId: string, process = 'catalog') => ({ instanceId, process, modules: [process] }) as unknown as InstanceInfo;

/** SCAN calls the server has answered so far (its own server: nothing else talks to it). */
async function scans(redis: RedisConnection): Promise<number> {
  const stats = await redis.info('commandstats');
  return Number(/cmdstat_scan:calls=(\d+)/.exec(stats)?.[1] ?? 0);
}

describe('RedisRegistry', () => {
  let server: PrivateRedis;
  let redis: RedisConnection;
  const keys = new RedisKeys('registry-spec');

  beforeAll(async () => {
    server = await startPrivateRedis();
    redis = createRedisConnection({ mode: 'single', url: server.url });
  });

  afterAll(() => {
    redis?.disconnect();
    server?.stop();
  });

  beforeEach(() => redis.flushall());

  it('lists live instances from its index, without walking the keyspace', async () => {
    // What a busy shop keeps beside the registry: cache entries, rate-limit counters, traces.
    for (let batch = 0; batch < 10; batch++) {
      await redis.mset(...Array.from({ length: 500 }, (_, k) => [`registry-spec:cache:catalog:${batch * 500 + k}`, 'x']).flat());
    }
    const registry = new RedisRegistry(redis, keys, 60_000);
    await Promise.all(['catalog-1', 'catalog-2', 'orders-1'].map((id) => registry.announce(info(id, id.split('-')[0]))));
    const before = await scans(redis);
    expect((await registry.instances()).map((i) => i.instanceId).sort()).toEqual(['catalog-1', 'catalog-2', 'orders-1']);
    expect(await scans(redis)).toBe(before);

    await registry.withdraw('catalog-2');
    expect((await registry.instances()).map((i) => i.instanceId).sort()).toEqual(['catalog-1', 'orders-1']);
  });

  it('forgets an instance that stops heartbeating, key and index entry alike', async () => {
    const short = new RedisRegistry(redis, keys, 100);
    const long = new RedisRegistry(redis, keys, 60_000);
    await short.announce(info('frozen-1'));
    await long.announce(info('alive-1'));
    await eventually(async () => expect((await long.instances()).map((i) => i.instanceId)).toEqual(['alive-1']), 2000, 20);
    expect(await redis.zrange(keys.instanceIndex(), 0, -1)).toEqual(['alive-1']);
  });

  it('finds instances announced without the index (a release before it) by scanning', async () => {
    await redis.set(keys.instance('old-1'), JSON.stringify(info('old-1')), 'PX', 60_000);
    expect((await new RedisRegistry(redis, keys, 60_000).instances()).map((i) => i.instanceId)).toEqual(['old-1']);
  });
});
