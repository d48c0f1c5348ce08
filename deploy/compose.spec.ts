import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * No Docker engine runs where the tests run: the compose file is validated and resolved by
 * docker-compose itself (`docker-compose config`, Debian's docker-compose v1, which .ci/run
 * installs), then checked to deploy exactly the split topology, each module on its own
 * database, each process started once what it needs is healthy.
 */
const root = join(__dirname, '..');

interface Service {
  command?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  user?: string;
  read_only?: boolean;
  cap_drop?: string[];
}

function dockerCompose(): string {
  const tool = process.env.DOCKER_COMPOSE ?? 'docker-compose';
  if (spawnSync(tool, ['version'], { stdio: 'ignore' }).error) {
    throw new Error(`docker-compose is not installed (looked for "${tool}"): install Debian's docker-compose package (apt-get install -y --no-install-recommends docker-compose; .ci/run does) or set DOCKER_COMPOSE`);
  }
  return tool;
}

function config(env: Record<string, string>, ...args: string[]): string {
  return configOf(['docker-compose.yml'], env, ...args);
}

function configOf(files: string[], env: Record<string, string>, ...args: string[]): string {
  try {
    return execFileSync(dockerCompose(), [...files.flatMap((f) => ['-f', f]), 'config', ...args], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    throw new Error(`docker-compose config failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
}

/** The users deploy/redis/redis-server.sh gives Redis: its `services=` line. */
const redisUsers = /^services="([^"]+)"/m.exec(readFileSync(join(root, 'deploy/redis/redis-server.sh'), 'utf8'))![1].split(' ');
const redisPasswords = Object.fromEntries(redisUsers.map((user) => [`REDIS_PASSWORD_${user.toUpperCase()}`, `test-redis-password-of-${user}`]));
const env = {
  JWT_SECRET: 'test-secret-test-secret-test-secret',
  POSTGRES_PASSWORD: 'test-postgres-password',
  CLEAVE_BUS_SEAL_KEY: 'test-seal-key-test-seal-key-test-seal',
  ...redisPasswords,
};
const compose = parse(config(env)) as { services: Record<string, Service> };
const topology = JSON.parse(readFileSync(join(root, 'config/topology/split.json'), 'utf8')) as {
  processes: Record<string, { gateway?: boolean; modules?: string[]; critical?: boolean }>;
};
const initSql = readFileSync(join(root, 'deploy/postgres/init-databases.sql'), 'utf8');

describe('docker-compose.yml (docker-compose config)', () => {
  it('is valid for docker-compose, and refuses to start without JWT_SECRET', () => {
    expect(config(env, '-q')).toBe('');
    expect(() => config({ ...env, JWT_SECRET: '' }, '-q')).toThrow(/set JWT_SECRET/);
    // A default would be refused by production's secret checks anyway.
    expect(() => config({ ...env, POSTGRES_PASSWORD: '' }, '-q')).toThrow(/set POSTGRES_PASSWORD/);
    expect(() => config({ ...env, CLEAVE_BUS_SEAL_KEY: '' }, '-q')).toThrow(/set CLEAVE_BUS_SEAL_KEY/);
  });

  it.each(Object.entries(topology.processes))('runs the %s process of the split topology', (name, spec) => {
    const service = compose.services[name];
    expect(service).toBeDefined();
    expect(service.environment).toMatchObject({ CLEAVE_TOPOLOGY: 'split', CLEAVE_PROCESS: name, REDIS_URL: 'redis://redis:6379' });
    // Its own Redis user, whose password Redis is given too.
    expect(redisUsers).toContain(name);
    expect(service.environment).toMatchObject({ REDIS_USERNAME: name, REDIS_PASSWORD: `test-redis-password-of-${name}` });
    expect(compose.services.redis.environment?.[`REDIS_PASSWORD_${name.toUpperCase()}`]).toBe(`test-redis-password-of-${name}`);
    const entry = service.command?.find((part) => part.endsWith('main.js'));
    expect(entry).toBe(`dist/apps/${name}/src/main.js`);
    expect(existsSync(join(root, `apps/${name}/src/main.ts`))).toBe(true);
    for (const module of spec.modules ?? []) {
      expect(service.environment?.[`DATABASE_URL_${module.toUpperCase()}`]).toContain(`/cleave_${module}`);
      expect(initSql).toContain(`CREATE DATABASE cleave_${module};`);
    }
    expect(service).toMatchObject({ user: 'node', read_only: true, cap_drop: ['ALL'] });
  });

  it.each(Object.keys(topology.processes))('reports %s healthy from /health/ready, and starts it once what it needs is healthy', (name) => {
    const service = compose.services[name];
    expect(service.healthcheck?.test.join(' ')).toContain('http://127.0.0.1:3000/health/ready');
    expect(service.depends_on).toMatchObject({ redis: { condition: 'service_healthy' }, postgres: { condition: 'service_healthy' } });
  });

  it('starts each process after the processes it calls, the gateway last', () => {
    const healthy = (name: string) => Object.entries(compose.services[name].depends_on ?? {}).filter(([, d]) => d.condition === 'service_healthy').map(([s]) => s);
    expect(healthy('orders')).toEqual(expect.arrayContaining(['catalog', 'payments']));
    expect(healthy('cart')).toEqual(expect.arrayContaining(['catalog', 'orders']));
    const critical = Object.entries(topology.processes).filter(([, p]) => !p.gateway && p.critical !== false).map(([n]) => n);
    expect(healthy('gateway')).toEqual(expect.arrayContaining(critical));
    // Non-critical: started, not awaited healthy, so the shop comes up without it.
    expect(compose.services.gateway.depends_on?.notifications).toEqual({ condition: 'service_started' });
  });

  it('runs nothing the topology does not know, besides Redis, PostgreSQL and the one-shot migrate', () => {
    const extra = Object.keys(compose.services).filter((s) => !(s in topology.processes));
    expect(extra.sort()).toEqual(['migrate', 'postgres', 'redis']);
  });

  it('migrates every module once, before any process starts, and lets the processes skip it', () => {
    const migrate = compose.services.migrate as Service & { restart?: string };
    expect(migrate.command).toEqual(['node', 'dist/apps/migrate/src/main.js']);
    expect(existsSync(join(root, 'apps/migrate/src/main.ts'))).toBe(true);
    expect(migrate.restart).toBe('no');
    expect(migrate.depends_on).toEqual({ postgres: { condition: 'service_healthy' } });
    for (const [name, spec] of Object.entries(topology.processes)) {
      const service = compose.services[name] as Service & { stop_grace_period?: string };
      expect(service.depends_on?.migrate).toEqual({ condition: 'service_completed_successfully' });
      expect(service.environment?.CLEAVE_MIGRATIONS).toBe('skip');
      for (const module of spec.modules ?? []) expect(migrate.environment?.[`DATABASE_URL_${module.toUpperCase()}`]).toBe(service.environment?.[`DATABASE_URL_${module.toUpperCase()}`]);
      // Longer than the drain's bound (CLEAVE_SHUTDOWN_TIMEOUT_MS, 25 s).
      expect(service.stop_grace_period).toMatch(/^(3\d|[4-9]\d)s$/);
    }
  });

  it('has a health check that works with node alone: 0 when ready, 1 when not ready or not listening', async () => {
    const [, , , script] = compose.services.gateway.healthcheck!.test;
    let ready = true;
    const server = createServer((req, res) => res.writeHead(req.url === '/health/ready' && ready ? 200 : 503).end()).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const probe = (port: number) =>
      new Promise<number | null>((resolve) => execFile(process.execPath, ['-e', script.replace('127.0.0.1:3000', `127.0.0.1:${port}`)], { timeout: 10_000 }, (error) => resolve(error ? (error.code as number) : 0)));
    const { port } = server.address() as AddressInfo;
    try {
      expect(await probe(port)).toBe(0);
      ready = false;
      expect(await probe(port)).toBe(1);
    } finally {
      server.close();
    }
    expect(await probe(port)).toBe(1);
    // Three node processes started one after another: on a loaded machine, more than Jest's 5 s.
  }, 40_000);

  it('runs Redis with an ACL user per service, and refuses to start without each one\'s password', () => {
    const redis = compose.services.redis as Service & { entrypoint?: string[] };
    expect(redis.entrypoint).toEqual(['sh', '/opt/cleave/redis-server.sh']);
    for (const user of redisUsers) expect(() => config({ ...env, [`REDIS_PASSWORD_${user.toUpperCase()}`]: '' }, '-q')).toThrow(new RegExp(`set REDIS_PASSWORD_${user.toUpperCase()}`));
  });

  it('with docker-compose.tls.yml, has every process reach Redis over TLS, checking its certificate', () => {
    const tls = parse(configOf(['docker-compose.yml', 'docker-compose.tls.yml'], env)) as { services: Record<string, Service & { volumes?: string[] }> };
    expect(tls.services.redis.environment).toMatchObject({ REDIS_TLS_CERT_FILE: '/tls/redis.crt', REDIS_TLS_KEY_FILE: '/tls/redis.key', REDIS_TLS_CA_FILE: '/tls/ca.crt' });
    expect(tls.services.redis.healthcheck?.test).toEqual(expect.arrayContaining(['--tls', '--cacert', '/tls/ca.crt']));
    for (const name of Object.keys(topology.processes)) {
      const service = tls.services[name];
      expect({ name, env: service.environment }).toMatchObject({ name, env: { REDIS_URL: 'rediss://redis:6379', REDIS_TLS_CA_FILE: '/etc/cleave/redis-tls/ca.crt', REDIS_USERNAME: name } });
      expect(service.volumes?.map(String).join(' ')).toContain('/etc/cleave/redis-tls/ca.crt');
    }
  });
});
