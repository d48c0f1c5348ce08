import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Redis from 'ioredis';
import { freePort } from './ports';

/** Answers PING within a second, or not. */
export async function redisAnswers(url: string): Promise<boolean> {
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, connectTimeout: 1000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/**
 * The Redis the split tests use: REDIS_URL, else the local default; if neither answers, a
 * throwaway redis-server on a free port (stopped by the global teardown).
 */
export async function ensureRedis(): Promise<{ url: string; pid?: number }> {
  const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  if (await redisAnswers(url)) return { url };
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error(
      `The split-topology tests need Redis: nothing answers at ${url} and redis-server is not installed.\n` +
        'Install it (Debian: apt-get install -y redis-server) or set REDIS_URL to a running Redis.',
    );
  }
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore', detached: true });
  child.unref();
  const started = `redis://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    if (await redisAnswers(started)) return { url: started, pid: child.pid };
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  child.kill('SIGKILL');
  throw new Error(`Started redis-server on port ${port} but it never answered PING`);
}

/** A redis-server of a test's own, which the test may kill and start again on the same port. */
export interface PrivateRedis {
  url: string;
  /** Persistent only: where its append-only (and any RDB) files are. */
  dir?: string;
  /** Kills it and starts it again. */
  restart(): Promise<void>;
  /** Kills it (an outage); `up` starts it again on the same port. */
  down(): Promise<void>;
  up(): Promise<void>;
  stop(): void;
}

/**
 * `persistent`: an append-only file synced on every write, so data outlives a kill, as a
 * production Redis keeping streams must.
 */
export async function startPrivateRedis(options: { persistent?: boolean } = {}): Promise<PrivateRedis> {
  if (spawnSync('redis-server', ['--version']).error) {
    throw new Error('This test needs its own redis-server: install it (Debian: apt-get install -y redis-server)');
  }
  const port = await freePort();
  const url = `redis://127.0.0.1:${port}`;
  let child: ReturnType<typeof spawn>;
  let dir: string | undefined;
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  };
  const launch = async () => {
    const persistence = options.persistent ? ['--appendonly', 'yes', '--appendfsync', 'always', '--dir', (dir ??= mkdtempSync(join(tmpdir(), 'cleave-redis-')))] : ['--appendonly', 'no'];
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', ...persistence], { stdio: 'ignore' });
    for (let i = 0; i < 200; i++) {
      if (await redisAnswers(url)) return;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`redis-server on port ${port} never answered`);
  };
  await launch();
  return {
    url,
    dir,
    async restart() {
      await kill();
      await launch();
    },
    down: kill,
    async up() {
      if (child.exitCode === null && child.signalCode === null) return;
      await launch();
    },
    stop() {
      child.kill('SIGKILL');
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
