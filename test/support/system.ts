import { ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRedisConnection, RedisConnection, RedisKeys, RedisTarget } from '@cleave/platform/redis';
import { prepareSystemEnv, ROOT, SystemEnv, topologyFile } from './system-env';

const READY = /(\S+) ready: (http:\/\/127\.0\.0\.1:\d+) .*instance (\S+)\)/;
// Generous: on a loaded machine (others run their suites too) a process can take a while.
const START_TIMEOUT_MS = 60_000;
/** Set to a directory: every process's whole output goes to `<process>-<pid>.log` there, for a run to be read afterwards. */
export const OUTPUT_DIR = process.env.CLEAVE_E2E_OUTPUT_DIR;

export const ADMIN = { email: 'admin@cleave.test', password: 'admin-password-1' };

export interface Instance {
  process: string;
  url: string;
  instanceId: string;
  child: ChildProcess;
  exited: Promise<void>;
  output: string[];
}

export interface SystemOptions {
  /** Split only: each module on its own PostgreSQL database (default) or on SQLite files. */
  database?: 'postgres' | 'sqlite';
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /**
   * Another Redis than REDIS_URL (a cluster, Sentinel): the settings that reach it, in place of
   * REDIS_URL, and how the test itself connects to it.
   */
  redis?: { env: Record<string, string>; target: RedisTarget };
  /** Runs each process through another command: `node main.js` becomes `launcher(['node', 'main.js'])`. */
  launcher?: (argv: string[]) => string[];
  /** How many instances of each process start, all at the same moment (default 1 each). */
  instances?: Record<string, number>;
  /** Environment of one process only (its own Redis user, say), over `env`. */
  processEnv?: (process: string) => Record<string, string>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

/**
 * A running Cleave: the real built apps as child processes, each on a random port, with its
 * own data directory, its own Redis key prefix and (split) its own PostgreSQL databases.
 */
export class CleaveSystem {
  private readonly instances: Instance[] = [];
  private redisClient?: RedisConnection;
  readonly keys: RedisKeys;

  private constructor(
    readonly topology: string,
    private readonly env: Record<string, string>,
    private readonly resources: SystemEnv,
    private readonly launcher: (argv: string[]) => string[] = (argv) => argv,
    private readonly redisTarget: RedisTarget = { mode: 'single', url: env.REDIS_URL },
    private readonly processEnv: (process: string) => Record<string, string> = () => ({}),
  ) {
    this.keys = new RedisKeys(env.CLEAVE_REDIS_PREFIX);
  }

  static async start(topology: string, options: SystemOptions = {}): Promise<CleaveSystem> {
    const resources = await prepareSystemEnv(topology, {
      tag: 'test',
      redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
      admin: ADMIN,
      database: options.database ?? 'postgres',
    });
    const { REDIS_URL, ...shared } = resources.env;
    const env: Record<string, string> = {
      ...shared,
      ...(options.redis ? options.redis.env : { REDIS_URL }),
      NODE_ENV: 'test',
      NO_COLOR: '1',
      // Short timings, so failures, claims and expiries show within a test's patience.
      CLEAVE_BUS_TIMEOUT_MS: '1500',
      CLEAVE_EVENTS_CLAIM_IDLE_MS: '1000',
      CLEAVE_EVENTS_CLAIM_INTERVAL_MS: '200',
      CLEAVE_HEARTBEAT_MS: '200',
      // Many tests register users: a cheap argon2id outside production (which refuses it).
      CLEAVE_PASSWORD_HASH_MEMORY_KIB: '1024',
      CLEAVE_PASSWORD_HASH_ITERATIONS: '1',
      // A gateway's stop waits this long for a load balancer: there is none here.
      CLEAVE_SHUTDOWN_DELAY_MS: '200',
      ...options.env,
    };
    const system = new CleaveSystem(topology, env, resources, options.launcher, options.redis?.target, options.processEnv);
    try {
      const starting = system.processNames().flatMap((name) => Array.from({ length: options.instances?.[name] ?? 1 }, () => name));
      await Promise.all(starting.map((name) => system.startInstance(name)));
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  /** The environment every process of this system shares (CLEAVE_PROCESS aside). */
  get environment(): Readonly<Record<string, string>> {
    return this.env;
  }

  /** Every gateway instance's URL, in the order they started. */
  get gatewayUrls(): string[] {
    return this.instances.filter((i) => topologyFile(this.topology).processes[i.process]?.gateway).map((i) => i.url);
  }

  get gatewayUrl(): string {
    const gateway = this.instances.find((i) => topologyFile(this.topology).processes[i.process]?.gateway);
    if (!gateway) throw new Error('no gateway instance is running');
    return gateway.url;
  }

  processNames(): string[] {
    return Object.keys(topologyFile(this.topology).processes);
  }

  instancesOf(process: string): Instance[] {
    return this.instances.filter((i) => i.process === process);
  }

  /** Starts one more instance of a process and resolves once it says it is ready. */
  async startInstance(process: string, env: Record<string, string> = {}): Promise<Instance> {
    const entry = existsSync(join(ROOT, `dist/apps/${process}/src/main.js`)) ? `dist/apps/${process}/src/main.js` : 'dist/apps/monolith/src/main.js';
    const [command, ...args] = this.launcher([globalThis.process.execPath, entry]);
    const child = spawn(command, args, {
      cwd: ROOT,
      env: { PATH: globalThis.process.env.PATH ?? '', ...this.env, CLEAVE_PROCESS: process, ...this.processEnv(process), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    running.add(child);
    const output: string[] = [];
    const exited = new Promise<void>((done) => child.once('exit', () => (running.delete(child), done())));
    const ready = new Promise<{ url: string; instanceId: string }>((resolveReady, rejectReady) => {
      const timer = setTimeout(() => {
        // Not left running: nothing else would stop it, and it would keep Jest from exiting.
        child.kill('SIGKILL');
        rejectReady(new Error(`${process} not ready within ${START_TIMEOUT_MS} ms:\n${output.join('\n')}`));
      }, START_TIMEOUT_MS);
      const onData = (chunk: Buffer) => {
        if (OUTPUT_DIR) appendFileSync(join(OUTPUT_DIR, `${process}-${child.pid}.log`), chunk);
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          output.push(line);
          if (output.length > 300) output.shift();
          const match = READY.exec(line);
          if (match) {
            clearTimeout(timer);
            resolveReady({ url: match[2], instanceId: match[3] });
          }
        }
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      void exited.then(() => {
        clearTimeout(timer);
        rejectReady(new Error(`${process} exited before it was ready (code ${child.exitCode}):\n${output.join('\n')}`));
      });
    });
    const { url, instanceId } = await ready;
    const instance: Instance = { process, url, instanceId, child, exited, output };
    this.instances.push(instance);
    return instance;
  }

  /** Stops an instance (SIGTERM: a clean shutdown; SIGKILL: a crash) and waits until it is gone. */
  async kill(instance: Instance, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const index = this.instances.indexOf(instance);
    if (index >= 0) this.instances.splice(index, 1);
    if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill(signal);
    await instance.exited;
  }

  async stopProcess(process: string, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    await Promise.all(this.instancesOf(process).map((i) => this.kill(i, signal)));
  }

  /** A Redis connection for inspecting the bus (keys under this system's prefix). */
  redis(): RedisConnection {
    return (this.redisClient ??= createRedisConnection(this.redisTarget, { enableAutoPipelining: true }));
  }

  key(suffix: string): string {
    return `${this.env.CLEAVE_REDIS_PREFIX}:${suffix}`;
  }

  async stop(): Promise<void> {
    await Promise.all([...this.instances].map((i) => this.kill(i)));
    await this.resources.dispose(this.topology === 'monolith' ? undefined : this.redis());
    this.redisClient?.disconnect();
  }
}

/** Reads one sample of a Prometheus metric from an instance's /metrics (0 when absent). */
export async function metricValue(instance: Instance, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`${instance.url}/metrics`)).text();
  const wanted = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name}{`)) continue;
    const labelPart = line.slice(name.length + 1, line.indexOf('}'));
    if (wanted.every((w) => labelPart.split(',').includes(w))) return Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return 0;
}
