import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Redis from 'ioredis';
import request from 'supertest';
import { CleaveSystem } from './support/system';
import { ROOT } from './support/system-env';
import { PrivateRedis, startPrivateRedis } from './support/redis';

/** Every file under a directory, recursively (Redis 7 keeps its AOF in `appendonlydir/`). */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every value of every key, as text, whatever its type. */
async function everyValue(redis: Redis): Promise<{ keys: number; text: string }> {
  const parts: string[] = [];
  let keys = 0;
  let cursor = '0';
  do {
    const [next, batch] = await redis.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of batch) {
      keys++;
      const type = await redis.type(key);
      if (type === 'string') parts.push(String(await redis.get(key)));
      if (type === 'list') parts.push(...(await redis.lrange(key, 0, -1)));
      if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
      if (type === 'set') parts.push(...(await redis.smembers(key)));
      if (type === 'zset') parts.push(...(await redis.zrange(key, 0, -1)));
      if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      parts.push(key);
    }
  } while (cursor !== '0');
  return { keys, text: parts.join('\n') };
}

// Split over a Redis of the test's own that persists everything (AOF on every write, then an
// uncompressed RDB): what someone with a copy of its disk, or its keys, would read.
describe('secrets at rest in Redis (split)', () => {
  let redis: PrivateRedis;
  let system: CleaveSystem;
  let client: Redis;

  beforeAll(async () => {
    redis = await startPrivateRedis({ persistent: true });
    system = await CleaveSystem.start('split', { env: { REDIS_URL: redis.url, CLEAVE_BUS_SEAL_KEY: 'a-test-seal-key-of-at-least-32-bytes' } });
    client = new Redis(redis.url);
  });

  afterAll(async () => {
    client?.disconnect();
    await system?.stop();
    redis?.stop();
  });

  it('never holds a password or refresh token in clear: not in a key, the AOF or an RDB snapshot', async () => {
    const url = system.gatewayUrl;
    const secrets: string[] = [];
    for (const n of [1, 2]) {
      const email = `secret-${n}-${Date.now()}@example.com`;
      const password = `Pw-${n}-${Math.random().toString(36).slice(2)}-zq`;
      const changed = `Pw-new-${n}-${Math.random().toString(36).slice(2)}-zq`;
      secrets.push(password, changed);
      await request(url).post('/auth/register').send({ email, password }).expect(201);
      await request(url).post('/auth/register').send({ email, password: `${password}-again` }).expect(201);
      secrets.push(`${password}-again`);
      const login = (await request(url).post('/auth/login').send({ email, password }).expect(200)).body;
      await request(url).post('/auth/login').send({ email, password: `${password}-wrong` }).expect(401);
      secrets.push(`${password}-wrong`);
      const refreshed = (await request(url).post('/auth/refresh').send({ refreshToken: login.refreshToken }).expect(200)).body;
      await request(url).patch('/users/me').set('Authorization', `Bearer ${refreshed.accessToken}`).send({ password: changed, currentPassword: password }).expect(200);
      const again = (await request(url).post('/auth/login').send({ email, password: changed }).expect(200)).body;
      await request(url).post('/auth/logout').set('Authorization', `Bearer ${again.accessToken}`).send({ refreshToken: again.refreshToken }).expect(204);
      secrets.push(login.refreshToken, refreshed.refreshToken, again.refreshToken);
    }

    const { keys, text } = await everyValue(client);
    expect(keys).toBeGreaterThan(0);
    await client.config('SET', 'rdbcompression', 'no');
    await client.save();
    const files = filesUnder(redis.dir!);
    expect(files.some((f) => f.includes('.aof'))).toBe(true);
    const disk = files.map((f) => readFileSync(f).toString('latin1')).join('\n');
    // The requests did cross Redis (their patterns are in the AOF), only sealed.
    expect(disk).toContain('users.startSession');
    expect(disk).toContain('$sealed');
    for (const secret of secrets) {
      expect(text.includes(secret) ? `${secret} in a key` : 'absent').toBe('absent');
      expect(disk.includes(secret) ? `${secret} on disk` : 'absent').toBe('absent');
    }
  });
});

describe('a production start with weak secrets', () => {
  it('is refused, naming each weak setting and why', async () => {
    const env = {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'production',
      CLEAVE_DATA_DIR: join(ROOT, 'no-such-dir-never-written'),
      CLEAVE_CONFIG_DIR: join(ROOT, 'config'),
      JWT_SECRET: 'cleave-development-secret-not-for-production',
      ADMIN_EMAIL: 'root@example.com',
      ADMIN_PASSWORD: 'admin-password',
      CLEAVE_BUS_SEAL_KEY: 'short',
      DATABASE_URL_USERS: 'postgres://cleave:cleave@127.0.0.1:1/cleave_users',
    };
    const child = spawn(process.execPath, ['dist/apps/monolith/src/main.js'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).not.toBe(0);
    for (const message of [
      'JWT_SECRET is the published development value: set a secret of your own in production',
      'CLEAVE_BUS_SEAL_KEY is too short for production: 5 bytes, at least 32 needed',
      'ADMIN_PASSWORD is a well-known value that anyone would try first',
      'the password in DATABASE_URL_USERS is a well-known value that anyone would try first',
    ]) {
      expect(output).toContain(message);
    }
  });
});
