import '@cleave/platform/config';
import { RedisSettings } from './redis.settings';
import { describeTarget, redisTarget } from './redis.target';

describe('RedisSettings: one way to reach Redis', () => {
  it('is one server at REDIS_URL by default, asking no replica for events', () => {
    const settings = RedisSettings.from({});
    expect(redisTarget(settings)).toEqual({ mode: 'single', url: 'redis://127.0.0.1:6379' });
    expect(settings.replicasToAck).toBe(0);
  });

  it('is a cluster from REDIS_CLUSTER_NODES, with credentials for its nodes and one replica per event', () => {
    const settings = RedisSettings.from({ REDIS_CLUSTER_NODES: 'redis-0:6379, redis-1:6380,[::1]:7000', REDIS_PASSWORD: 'pw' });
    expect(redisTarget(settings)).toEqual({
      mode: 'cluster',
      nodes: [{ host: 'redis-0', port: 6379 }, { host: 'redis-1', port: 6380 }, { host: '::1', port: 7000 }],
      password: 'pw',
    });
    expect(settings.replicasToAck).toBe(1);
    expect(describeTarget(redisTarget(settings))).toBe('Redis Cluster redis-0:6379,redis-1:6380,::1:7000');
  });

  it('is a Sentinel-managed master from REDIS_SENTINELS and REDIS_SENTINEL_NAME', () => {
    const settings = RedisSettings.from({ REDIS_SENTINELS: 's1:26379,s2:26379', REDIS_SENTINEL_NAME: 'shop', REDIS_EVENT_REPLICAS: '0' });
    expect(redisTarget(settings)).toEqual({ mode: 'sentinel', sentinels: [{ host: 's1', port: 26379 }, { host: 's2', port: 26379 }], name: 'shop' });
    expect(settings.replicasToAck).toBe(0);
  });

  it.each([
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_SENTINELS: 'b:2', REDIS_SENTINEL_NAME: 'm' }, /REDIS_CLUSTER_NODES and REDIS_SENTINELS are both set/],
    [{ REDIS_CLUSTER_NODES: 'a:1', REDIS_URL: 'redis://x:6379' }, /REDIS_URL is set beside REDIS_CLUSTER_NODES/],
    [{ REDIS_SENTINELS: 'b:2' }, /REDIS_SENTINELS needs REDIS_SENTINEL_NAME/],
    [{ REDIS_SENTINEL_NAME: 'm' }, /REDIS_SENTINEL_NAME is set without REDIS_SENTINELS/],
    [{ REDIS_CLUSTER_NODES: 'a:1,nohost' }, /REDIS_CLUSTER_NODES.*host:port pairs.*"nohost"/],
    [{ REDIS_CLUSTER_NODES: 'a:70000' }, /host:port pairs/],
  ])('refuses %j', (env, problem) => {
    expect(() => RedisSettings.from(env)).toThrow(problem);
  });
});
