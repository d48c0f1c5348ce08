import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { CleaveSystem } from './support/system';
import { REDIS_SERVICES, SecureRedis, startSecureRedis } from './support/secure-redis';
import { eventually } from './support/eventually';
import { customerJourney } from './flows/shop.flows';

/**
 * The split system on Redis as the deployment runs it (deploy/redis/redis-server.sh): TLS only,
 * with a certificate this suite makes, and an ACL user per service with its own password. Each
 * process logs in as itself; anonymous connections may only PING.
 */
describe('split on Redis with TLS and a user per service', () => {
  let redis: SecureRedis;
  let system: CleaveSystem;

  const serviceOf = (process: string) => (REDIS_SERVICES as readonly string[]).includes(process) ? process : 'operator';

  beforeAll(async () => {
    const prefix = `cleave-auth-${randomBytes(4).toString('hex')}`;
    redis = await startSecureRedis(prefix);
    const { ca, clientCert, clientKey } = redis.certificates;
    system = await CleaveSystem.start('split', {
      redis: {
        env: { REDIS_URL: redis.url, REDIS_TLS_CA_FILE: redis.certificates.caFile },
        target: { mode: 'single', url: redis.url, username: 'operator', password: redis.passwords.operator, tls: { ca, cert: clientCert, key: clientKey } },
      },
      env: { CLEAVE_REDIS_PREFIX: prefix },
      processEnv: (process) => ({
        REDIS_USERNAME: serviceOf(process),
        REDIS_PASSWORD: redis.passwords[serviceOf(process) as keyof SecureRedis['passwords']],
        // One process also shows Redis a client certificate (for tls-auth-clients yes).
        ...(process === 'gateway' ? { REDIS_TLS_CERT_FILE: redis.certificates.clientCertFile, REDIS_TLS_KEY_FILE: redis.certificates.clientKeyFile } : {}),
      }),
    });
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await redis?.stop();
  });

  describe('Cleave\'s own traffic', () => customerJourney(() => system));

  it('connects each process as its own user, over TLS', async () => {
    const admin = redis.connect('admin', redis.adminPassword);
    try {
      const clients = (await admin.call('CLIENT', 'LIST')) as string;
      const users = new Set([...clients.matchAll(/ user=(\S+)/g)].map((m) => m[1]));
      for (const process of system.processNames()) expect({ process, connected: users.has(serviceOf(process)) }).toEqual({ process, connected: true });
      expect(users.has('default')).toBe(false);
    } finally {
      admin.disconnect();
    }
  });

  it('lets an anonymous client only PING, and a service nothing outside its prefix or administrative', async () => {
    const anonymous = redis.connect();
    const catalog = redis.connect('catalog', redis.passwords.catalog);
    try {
      expect(await anonymous.ping()).toBe('PONG');
      await expect(anonymous.get(`${redis.prefix}:anything`)).rejects.toThrow(/NOPERM/);
      expect(await catalog.set(`${redis.prefix}:auth-test`, '1')).toBe('OK');
      await expect(catalog.set('elsewhere:auth-test', '1')).rejects.toThrow(/NOPERM/);
      await expect(catalog.flushall()).rejects.toThrow(/NOPERM/);
      await expect(catalog.call('CONFIG', 'GET', 'requirepass')).rejects.toThrow(/NOPERM/);
    } finally {
      anonymous.disconnect();
      catalog.disconnect();
    }
  });

  it('refuses a connection without TLS', async () => {
    const Redis = (await import('ioredis')).default;
    const plain = new Redis({ host: '127.0.0.1', port: redis.port, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 2000 });
    plain.on('error', () => undefined);
    try {
      // Redis drops a connection that does not start TLS: ioredis sees it closed or reset.
      await expect(plain.connect().then(() => plain.ping())).rejects.toThrow(/Connection is closed|ECONNRESET|socket hang up/);
    } finally {
      plain.disconnect();
    }
  });

  it('refuses to start a process with a wrong Redis password, saying which settings to check', async () => {
    const start = system.startInstance('catalog', { REDIS_PASSWORD: 'not-the-catalog-password' });
    await expect(start).rejects.toThrow(/exited before it was ready[\s\S]*Cleave cannot start: Redis refuses this process's credentials \(check REDIS_USERNAME and REDIS_PASSWORD/);
    // Nowhere in its output, though ioredis hangs the refused AUTH (password included) on its errors.
    await expect(start).rejects.not.toThrow(/not-the-catalog-password/);
  });

  it('refuses to start a process that gives no Redis user, rather than run as Redis\'s default user', async () => {
    await expect(system.startInstance('catalog', { REDIS_USERNAME: '', REDIS_PASSWORD: '' })).rejects.toThrow(
      /Cleave cannot start: Redis refuses a command to this process's user \(no REDIS_USERNAME\/REDIS_PASSWORD/,
    );
  });

  it('takes a running process out of readiness, saying why, when Redis stops accepting its password, and back once it does', async () => {
    const admin = redis.connect('admin', redis.adminPassword);
    const [catalog] = system.instancesOf('catalog');
    try {
      expect((await request(catalog.url).get('/health/ready')).status).toBe(200);
      // A rotation gone wrong: Redis has a new password for catalog, the process the old one.
      await admin.call('ACL', 'SETUSER', 'catalog', 'resetpass', '>a-rotated-password-of-catalog');
      await admin.call('CLIENT', 'KILL', 'USER', 'catalog');
      const report = await eventually(async () => {
        const res = await request(catalog.url).get('/health/ready');
        expect(res.status).toBe(503);
        expect(JSON.stringify(res.body)).toMatch(/Redis refuses this process's credentials \(check REDIS_USERNAME and REDIS_PASSWORD/);
        return JSON.stringify(res.body);
      }, 15_000);
      expect(report).not.toContain(redis.passwords.catalog);
      await admin.call('ACL', 'SETUSER', 'catalog', 'resetpass', `>${redis.passwords.catalog}`);
      await eventually(async () => expect((await request(catalog.url).get('/health/ready')).status).toBe(200), 15_000);
    } finally {
      await admin.call('ACL', 'SETUSER', 'catalog', 'resetpass', `>${redis.passwords.catalog}`);
      admin.disconnect();
    }
  });
});
