import { CleaveSystem } from './support/system';
import { RedisClusterUnderTest, RedisNode, startRedisCluster } from './support/redis-cluster';
import { shopFlows } from './flows/shop.flows';
import { eventFlows } from './flows/events.flows';
import { checkoutsThroughFailover, RedisFailover } from './flows/failover.flows';

/**
 * The split system on a Redis Cluster of 3 masters and 3 replicas this suite starts on free
 * ports: the same journeys as on one Redis, then a master killed under checkouts.
 */
describe('split on a Redis Cluster', () => {
  let cluster: RedisClusterUnderTest;
  let system: CleaveSystem;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    system = await CleaveSystem.start('split', {
      redis: { env: { REDIS_CLUSTER_NODES: cluster.seeds }, target: { mode: 'cluster', nodes: cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) } },
      // Events held back while a shard has no replica are sent again soon after it has one.
      env: { CLEAVE_OUTBOX_MAX_BACKOFF_MS: '500' },
    });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await cluster?.stop();
  });

  shopFlows(() => system);
  describe('events survive a dead consumer', () => eventFlows(() => system));

  describe('failover', () => {
    let victim: RedisNode | undefined;
    const failover: RedisFailover = {
      async crash(key) {
        victim = await cluster.masterOf(key);
        await victim.crash();
      },
      promoted: () => cluster.settled(),
      async restore() {
        await victim!.restart();
        await cluster.replicaBack(victim!);
      },
    };
    checkoutsThroughFailover(() => system, () => failover);
  });
});
