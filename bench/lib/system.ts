import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { prepareSystemEnv, SystemEnv, topologyFile } from '../../test/support/system-env';
import { Child, startApp } from './proc';
import { postgresAdminUrl } from './postgres';
import type { HttpLoadPlan } from '../peers/http-load';

export const ADMIN = { email: 'admin@bench.test', password: 'bench-admin-password' };
const CUSTOMER = { email: 'customer@bench.test', password: 'bench-customer-password' };

export type SplitDatabase = 'sqlite' | 'postgres';

/** The payment simulator's knobs (CLEAVE_PAYMENTS_LATENCY_MS, CLEAVE_PAYMENTS_FAILURE_RATE). */
export interface PaymentsSimulator {
  latencyMs: number;
  failureRate: number;
}

/**
 * What every framework-overhead scenario runs with: a provider that answers at once and
 * never declines. The product's default (20 ms per charge) would put a fixed sleep in every
 * checkout and hide what the bench measures.
 */
export const INSTANT_PAYMENTS: PaymentsSimulator = { latencyMs: 0, failureRate: 0 };

export interface StartOptions {
  /** Beyond one process: PostgreSQL (default) or SQLite files. */
  database?: SplitDatabase;
  /** The payment simulator; INSTANT_PAYMENTS unless given. */
  payments?: PaymentsSimulator;
  /** More settings for every process (e.g. OTEL_SDK_DISABLED). */
  env?: Record<string, string>;
  /** Rewrites the final environment (the network scenario points the database URLs at its proxy). */
  mapEnv?: (env: Record<string, string>) => Record<string, string>;
}

/**
 * A running Cleave from the real build in dist/: the monolith, or one process per entry of
 * config/topology/split.json (whatever processes and modules it lists). Fresh data
 * directory, Redis key prefix and (split on PostgreSQL) a database per module each time;
 * `stop` removes them all. The payment simulator is instant unless told otherwise.
 */
export class CleaveSystem {
  readonly instances: Child[] = [];
  private constructor(
    readonly topology: 'monolith' | 'split',
    readonly env: Record<string, string>,
    private readonly resources: SystemEnv,
  ) {}

  static async start(topology: 'monolith' | 'split', redisUrl: string, options: StartOptions = {}): Promise<CleaveSystem> {
    const { database = 'sqlite', payments = INSTANT_PAYMENTS, env: extra = {}, mapEnv = (e: Record<string, string>) => e } = options;
    const resources = await prepareSystemEnv(topology, { tag: 'bench', redisUrl, admin: ADMIN, database, postgresAdminUrl: postgresAdminUrl() });
    const env = mapEnv({
      ...withCommitFlush(resources.env),
      CLEAVE_PAYMENTS_LATENCY_MS: String(payments.latencyMs),
      CLEAVE_PAYMENTS_FAILURE_RATE: String(payments.failureRate),
      // The apps run with NODE_ENV=production, which requires a seal key beyond one process:
      // passwords and refresh tokens cross Redis sealed, as in production.
      CLEAVE_BUS_SEAL_KEY: randomBytes(32).toString('hex'),
      ...extra,
    });
    const system = new CleaveSystem(topology, env, resources);
    try {
      // Each process owns its modules' databases, so they can all start (and migrate) at once.
      await Promise.all(system.processNames().map((name) => system.startInstance(name)));
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  /** Where the modules' SQLite files are. */
  get dataDir(): string {
    return this.env.CLEAVE_DATA_DIR;
  }

  processNames(): string[] {
    return Object.keys(topologyFile(this.topology).processes);
  }

  get gatewayUrl(): string {
    const gateways = Object.entries(topologyFile(this.topology).processes).filter(([, p]) => p.gateway).map(([name]) => name);
    const gateway = this.instances.find((i) => gateways.includes(i.info.process));
    if (!gateway) throw new Error('no gateway instance is running');
    return gateway.info.url;
  }

  async startInstance(process: string): Promise<Child> {
    const count = this.instances.filter((i) => i.info.process === process).length;
    const app = this.topology === 'monolith' ? 'monolith' : process;
    const child = await startApp(count ? `${process}#${count + 1}` : process, app, { ...this.env, CLEAVE_PROCESS: process });
    this.instances.push(child);
    return child;
  }

  async stop(redis?: Redis): Promise<void> {
    await Promise.all(this.instances.map((i) => i.stop()));
    await this.resources.dispose(redis).catch(() => undefined);
  }
}

/**
 * How the bench's PostgreSQL databases commit: BENCH_PG_SYNCHRONOUS_COMMIT, `off` unless set.
 * The monolith's SQLite (WAL, better-sqlite3's synchronous=NORMAL) does not flush the disk at
 * each commit; PostgreSQL's default does, and a split checkout commits seven times in a row:
 * on this VM an fdatasync takes 1.8 ms (median; 17 ms at worst), which would measure the disk,
 * not Cleave. `off` keeps the same class of durability as the monolith's (a crash of the
 * machine, not of the process, may lose the last commits; nothing is corrupted).
 */
export const PG_SYNCHRONOUS_COMMIT = process.env.BENCH_PG_SYNCHRONOUS_COMMIT ?? 'off';

function withCommitFlush(env: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).map(([name, value]) => {
      if (!name.startsWith('DATABASE_URL_') || PG_SYNCHRONOUS_COMMIT === 'on') return [name, value];
      const url = new URL(value);
      url.searchParams.set('options', `-c synchronous_commit=${PG_SYNCHRONOUS_COMMIT}`);
      return [name, url.toString()];
    }),
  );
}

/** Redis's own CPU seconds so far (user + system), from INFO. */
export async function redisCpuSeconds(ctx: { redis: Redis }): Promise<number> {
  const info = await ctx.redis.info('cpu');
  const field = (name: string) => Number(new RegExp(`${name}:([\\d.]+)`).exec(info)?.[1] ?? NaN);
  return field('used_cpu_user') + field('used_cpu_sys');
}

export interface Seeded {
  /** Products GET /products/:id rotates over. */
  productIds: string[];
  /** Products the checkout orders rotate over (stock never runs out during a run). */
  checkoutIds: string[];
  /** A customer's bearer token. */
  token: string;
}

export async function api<T>(base: string, method: string, path: string, body?: unknown, token?: string): Promise<T> {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** Stock of each checkout product when seeded. */
export const CHECKOUT_STOCK = 1_000_000_000;

/** The checkout body the bench sends: one unit of one product, the simulator's default method. */
export function checkoutBody(productId: string): string {
  return JSON.stringify({ items: [{ productId, quantity: 1 }] });
}

/** The load of checkouts: POST /orders as the seeded customer, rotating over the checkout products. */
export function checkoutLoad(url: string, seeded: Seeded, connections: number): Omit<HttpLoadPlan, 'warmupSec' | 'durationSec'> {
  return { url, method: 'POST', paths: ['/orders'], headers: { authorization: `Bearer ${seeded.token}` }, bodies: seeded.checkoutIds.map(checkoutBody), connections };
}

/** Through the API only: an admin adds products, a customer registers and logs in. */
export async function seed(base: string, products: number, checkoutProducts: number): Promise<Seeded> {
  const admin = await api<{ accessToken: string }>(base, 'POST', '/auth/login', ADMIN);
  const create = (i: number, stock: number) =>
    api<{ id: string }>(base, 'POST', '/products', { name: `Bench product ${i}`, description: 'Made by the benchmark', priceCents: 100 + i, currency: 'USD', stock }, admin.accessToken);
  const productIds: string[] = [];
  for (let i = 0; i < products; i++) productIds.push((await create(i, 1000)).id);
  const checkoutIds: string[] = [];
  for (let i = 0; i < checkoutProducts; i++) checkoutIds.push((await create(products + i, CHECKOUT_STOCK)).id);
  await api(base, 'POST', '/auth/register', CUSTOMER);
  const customer = await api<{ accessToken: string }>(base, 'POST', '/auth/login', CUSTOMER);
  return { productIds, checkoutIds, token: customer.accessToken };
}

/**
 * One checkout through the API, which must come back 201 CONFIRMED (the saga ran to its
 * end): a load run of answers the bench does not expect would measure the wrong thing.
 */
export async function probeCheckout(base: string, seeded: Seeded): Promise<void> {
  const order = await api<{ status?: string }>(base, 'POST', '/orders', JSON.parse(checkoutBody(seeded.checkoutIds[0])), seeded.token);
  if (order.status !== 'CONFIRMED') throw new Error(`POST /orders answered an order ${order.status}, not CONFIRMED: ${JSON.stringify(order)}`);
}
