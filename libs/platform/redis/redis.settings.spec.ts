import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

  it.each([
    ['redis://u:p@ss@redis:6379', 'Redis at redis://u:****@redis:6379'],
    ['redis://:secret@redis:6379', 'Redis at redis://:****@redis:6379'],
    ['redis://secret@redis:6379', 'Redis at redis://****@redis:6379'],
    ['redis://redis:6379/0?password=secret', 'Redis at redis://redis:6379/0?password=****'],
  ])('describes %s without its password', (url, described) => {
    expect(describeTarget({ mode: 'single', url })).toBe(described);
  });

  describe('credentials and TLS', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cleave-redis-settings-'));
    const pem = (name: string, kind: string) => {
      const file = join(dir, name);
      writeFileSync(file, `-----BEGIN ${kind}-----\nMIIB\n-----END ${kind}-----\n`);
      return file;
    };
    const ca = pem('ca.crt', 'CERTIFICATE');
    const cert = pem('client.crt', 'CERTIFICATE');
    const key = pem('client.key', 'PRIVATE KEY');

    it('gives a single server the ACL user and password of the settings, and TLS from rediss://', () => {
      const settings = RedisSettings.from({ REDIS_URL: 'rediss://redis:6379', REDIS_USERNAME: 'catalog', REDIS_PASSWORD: 'pw', REDIS_TLS_CA_FILE: ca });
      expect(redisTarget(settings)).toEqual({ mode: 'single', url: 'rediss://redis:6379', username: 'catalog', password: 'pw', tls: { ca: expect.stringContaining('BEGIN CERTIFICATE') } });
    });

    it('turns TLS on for a redis:// URL with REDIS_TLS, trusting the system CAs without a CA file', () => {
      expect(redisTarget(RedisSettings.from({ REDIS_URL: 'redis://redis:6379', REDIS_TLS: 'true' }))).toEqual({ mode: 'single', url: 'redis://redis:6379', tls: true });
    });

    it('takes a client certificate with its key', () => {
      const target = redisTarget(RedisSettings.from({ REDIS_URL: 'rediss://redis', REDIS_TLS_CERT_FILE: cert, REDIS_TLS_KEY_FILE: key }));
      expect(target.tls).toEqual({ cert: expect.stringContaining('BEGIN CERTIFICATE'), key: expect.stringContaining('BEGIN PRIVATE KEY') });
    });

    it.each([
      [{ REDIS_URL: 'rediss://r', REDIS_TLS_CA_FILE: join(dir, 'missing.crt') }, /REDIS_TLS_CA_FILE.*cannot be read from .*missing\.crt: ENOENT/],
      [{ REDIS_URL: 'rediss://r', REDIS_TLS_CA_FILE: key }, /REDIS_TLS_CA_FILE.*holds no PEM certificate/],
      [{ REDIS_URL: 'rediss://r', REDIS_TLS_CERT_FILE: cert }, /REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together/],
      [{ REDIS_URL: 'redis://r', REDIS_TLS_CA_FILE: ca }, /TLS is off: set REDIS_TLS=true or use a rediss:\/\/ REDIS_URL/],
    ])('refuses %j', (env, problem) => {
      expect(() => RedisSettings.from(env)).toThrow(problem);
    });
  });
});
