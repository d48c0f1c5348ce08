import { CleaveSystem } from './support/system';
import { RedisSentinelUnderTest, startRedisSentinel } from './support/redis-cluster';
import { customerJourney } from './flows/shop.flows';
import { checkoutsThroughFailover, RedisFailover } from './flows/failover.flows';

/**
 * The split system on a master and a replica watched by three sentinels this suite starts:
 * Cleave finds the master through the sentinels (ioredis's own support) and follows it when
 * the sentinels promote the replica.
 */
describe('split through Redis Sentinel', () => {
  let sentinel: RedisSentinelUnderTest;
  let system: CleaveSystem;

  beforeAll(async () => {
    sentinel = await startRedisSentinel('cleave');
    const sentinels = sentinel.sentinels.map((s) => ({ host: '127.0.0.1', port: s.port }));
    system = await CleaveSystem.start('split', {
      redis: { env: { REDIS_SENTINELS: sentinel.seeds, REDIS_SENTINEL_NAME: sentinel.name }, target: { mode: 'sentinel', sentinels, name: sentinel.name } },
      env: { CLEAVE_OUTBOX_MAX_BACKOFF_MS: '500' },
    });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await sentinel?.stop();
  });

  describe('before a failover', () => customerJourney(() => system));

  describe('failover', () => {
    let before = '';
    const failover: RedisFailover = {
      async crash() {
        before = await sentinel.currentMaster();
        await sentinel.master.crash();
      },
      promoted: () => sentinel.promoted(before),
      async restore() {
        await sentinel.master.restart();
        await sentinel.replicaBack(sentinel.master);
      },
    };
    checkoutsThroughFailover(() => system, () => failover);
  });

});
