import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { CleaveSystem, Instance } from './support/system';
import { ROOT } from './support/system-env';
import { eventually } from './support/eventually';
import { adminToken, createProduct, registerAndLogin } from './flows/shop.flows';

/**
 * Live configuration, observed as an operator would: through behaviour (a read that timed
 * out answers once its timeout grows), through GET /config, and through the logs.
 *
 * Catalog takes 800 ms to handle getProduct (fault injection); the policy gives the call
 * 300 ms, so GET /products/:id is a 503 until the policy says 3000.
 */
const SLOW_READS = { CLEAVE_FAULT_DELAY_MS: 'catalog.getProduct=800' };

function configDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cleave-test-config-'));
  cpSync(join(ROOT, 'config/topology'), join(dir, 'topology'), { recursive: true });
  writePolicy(dir, 300);
  return dir;
}

function writePolicy(dir: string, getProductTimeoutMs: unknown): void {
  const policy = { targets: { catalog: { patterns: { getProduct: { timeoutMs: getProductTimeoutMs }, reserveStock: { timeoutMs: 5000 } } } } };
  writeFileSync(join(dir, 'resilience.json'), JSON.stringify(policy, null, 2));
}

interface SettingView {
  value: unknown;
  source: string;
  live: boolean;
  pendingRestart?: unknown;
}

interface InstanceView {
  instanceId: string;
  process: string;
  settings: Record<string, SettingView>;
  lastReload?: { status: string };
}

async function instanceViews(url: string, token: string): Promise<InstanceView[]> {
  const res = await request(url).get('/config').set('Authorization', `Bearer ${token}`).expect(200);
  return (res.body.processes as { instances: InstanceView[] }[]).flatMap((p) => p.instances);
}

const getProductTimeout = (view: InstanceView) =>
  (view.settings.resilience.value as { targets: { catalog: { patterns: { getProduct: { timeoutMs: number } } } } }).targets.catalog.patterns.getProduct.timeoutMs;

const SHOP = 'https://shop.example';

/** What a browser page of `origin` is told it may read: a preflight's Access-Control-Allow-Origin, and a request's. */
async function corsFor(url: string, origin: string): Promise<{ preflight?: string; request?: string }> {
  const preflight = await request(url).options('/products').set('Origin', origin).set('Access-Control-Request-Method', 'GET').expect(204);
  const answer = await request(url).get('/products').set('Origin', origin).expect(200);
  return { preflight: preflight.headers['access-control-allow-origin'], request: answer.headers['access-control-allow-origin'] };
}

function logged(instance: Instance, pattern: RegExp): void {
  expect(instance.output.join('\n')).toMatch(pattern);
}

describe('live configuration in one process: watched files', () => {
  let system: CleaveSystem;
  let dir: string;
  let admin: string;
  let productId: string;

  beforeAll(async () => {
    dir = configDir();
    // No CLEAVE_CORS_ORIGINS in the environment (empty is unset), which would win over the file.
    system = await CleaveSystem.start('monolith', { env: { REDIS_URL: 'redis://127.0.0.1:1', CLEAVE_CONFIG_DIR: dir, CLEAVE_CORS_ORIGINS: '', ...SLOW_READS } });
    admin = await adminToken(system.gatewayUrl);
    productId = (await createProduct(system.gatewayUrl, admin)).id;
  });

  afterAll(async () => {
    await system?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('applies a policy change without a restart, shows it in /config and logs what changed', async () => {
    const url = system.gatewayUrl;
    await request(url).get(`/products/${productId}`).expect(503);
    writePolicy(dir, 3000);
    await eventually(async () => request(url).get(`/products/${productId}`).expect(200));
    const [view] = await instanceViews(url, admin);
    expect(getProductTimeout(view)).toBe(3000);
    expect(view.settings.resilience).toMatchObject({ source: join(dir, 'resilience.json'), live: true });
    logged(system.instancesOf('monolith')[0], /Configuration reloaded \(file .*resilience\.json\), applied: resilience\.targets\.catalog\.patterns\.getProduct\.timeoutMs: 300 → 3000/);
  });

  it('refuses an invalid change, keeping the policy it runs with, and says so', async () => {
    const url = system.gatewayUrl;
    const [monolith] = system.instancesOf('monolith');
    writePolicy(dir, -5);
    try {
      await eventually(async () => logged(monolith, /Configuration change refused \(file .*resilience\.json\), keeping the current settings:.*getProduct\.timeoutMs must be a positive integer, got -5/));
      const [view] = await instanceViews(url, admin);
      expect(getProductTimeout(view)).toBe(3000);
      expect(view.lastReload).toMatchObject({ status: 'refused' });
      await request(url).get(`/products/${productId}`).expect(200);
    } finally {
      writePolicy(dir, 3000);
    }
  });

  it('follows config/<NODE_ENV>.env: applies LOG_LEVEL, reports a setting that needs a restart without applying it', async () => {
    const url = system.gatewayUrl;
    const [monolith] = system.instancesOf('monolith');
    writeFileSync(join(dir, 'test.env'), 'LOG_LEVEL=debug\nCLEAVE_BUS_BATCH=32\n');
    await eventually(async () => expect((await instanceViews(url, admin))[0].settings.LOG_LEVEL).toMatchObject({ value: 'debug', source: join(dir, 'test.env') }));
    const [view] = await instanceViews(url, admin);
    expect(view.settings.CLEAVE_BUS_BATCH).toEqual({ value: 64, source: 'default', live: false, pendingRestart: 32 });
    logged(monolith, /Configuration changed \(file .*test\.env\) but not applied, these settings need a restart: CLEAVE_BUS_BATCH: 64 → 32/);
    // debug adds a line per HTTP request.
    await request(url).get('/products').expect(200);
    await eventually(async () => logged(monolith, /"level":"debug".*"msg":"GET \/products/));
  });

  it('follows CLEAVE_CORS_ORIGINS in the watched file: an origin added is allowed from the next request', async () => {
    const url = system.gatewayUrl;
    const file = join(dir, 'test.env');
    const before = existsSync(file) ? readFileSync(file, 'utf8') : '';
    expect(await corsFor(url, SHOP)).toEqual({ preflight: undefined, request: undefined });
    writeFileSync(file, `${before}CLEAVE_CORS_ORIGINS=${SHOP}\n`);
    try {
      await eventually(async () => expect(await corsFor(url, SHOP)).toEqual({ preflight: SHOP, request: SHOP }));
      expect((await corsFor(url, 'https://evil.example')).request).toBeUndefined();
    } finally {
      writeFileSync(file, before);
    }
    await eventually(async () => expect((await corsFor(url, SHOP)).request).toBeUndefined());
  });

  it('shows /config to administrators only, with secrets masked', async () => {
    const url = system.gatewayUrl;
    await request(url).get('/config').expect(401);
    const customer = await registerAndLogin(url, 'config');
    await request(url).get('/config').set('Authorization', `Bearer ${customer.token}`).expect(403);
    const res = await request(url).get('/config').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(res.body.topology).toBe('monolith');
    const [view] = (res.body.processes as { instances: InstanceView[] }[])[0].instances;
    expect(view.settings.JWT_SECRET).toMatchObject({ value: '****', source: 'environment' });
    expect(view.settings.ADMIN_PASSWORD).toMatchObject({ value: '****' });
    expect(view.settings.PORT).toMatchObject({ value: 0, source: 'environment', live: false });
    expect(JSON.stringify(res.body)).not.toContain('admin-password-1');
  });
});

describe('live configuration split: npm run config:reload over Redis', () => {
  let system: CleaveSystem;
  let dir: string;
  let admin: string;
  let productId: string;

  /** Runs the command as `npm run config:reload` does, against this system's Redis and prefix. */
  const reload = (...args: string[]) =>
    new Promise<{ code: number; output: string }>((resolve) => {
      const env = { PATH: process.env.PATH ?? '', REDIS_URL: system.environment.REDIS_URL, CLEAVE_REDIS_PREFIX: system.environment.CLEAVE_REDIS_PREFIX };
      execFile(process.execPath, [join(ROOT, 'scripts/config-reload.js'), ...args], { cwd: ROOT, env }, (error, stdout, stderr) =>
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: stdout + stderr }),
      );
    });

  beforeAll(async () => {
    dir = configDir();
    // No file watching: only the command makes these processes reload.
    system = await CleaveSystem.start('pairs', { database: 'sqlite', env: { CLEAVE_CONFIG_DIR: dir, CLEAVE_CONFIG_WATCH: 'false', ...SLOW_READS } });
    admin = await adminToken(system.gatewayUrl);
    productId = (await createProduct(system.gatewayUrl, admin)).id;
  });

  afterAll(async () => {
    await system?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes every process re-read its files: the edited policy applies everywhere', async () => {
    const url = system.gatewayUrl;
    await request(url).get(`/products/${productId}`).expect(503);
    writePolicy(dir, 3000);
    const { code, output } = await reload();
    expect(output).toMatch(/^catalog catalog-\S+: applied\n {2}applied: resilience\.targets\.catalog\.patterns\.getProduct\.timeoutMs: 300 → 3000$/m);
    expect(output).toMatch(/^gateway gateway-\S+: applied$/m);
    expect(output).toMatch(/^orders orders-\S+: applied$/m);
    expect(code).toBe(0);
    await request(url).get(`/products/${productId}`).expect(200);
    const views = await instanceViews(url, admin);
    expect(views.map((v) => v.process).sort()).toEqual(['catalog', 'gateway', 'orders']);
    for (const view of views) expect(getProductTimeout(view)).toBe(3000);
    logged(system.instancesOf('gateway')[0], /Configuration reloaded \(npm run config:reload\), applied: resilience\.targets\.catalog\.patterns\.getProduct\.timeoutMs: 300 → 3000/);
  });

  it('carries overrides of live settings to every process, and drops them on --reset', async () => {
    const url = system.gatewayUrl;
    const { code, output } = await reload('LOG_LEVEL=debug', 'CLEAVE_PAYMENTS_FAILURE_RATE=0.5');
    expect(code).toBe(0);
    expect(output).toMatch(/orders orders-\S+: applied\n {2}applied: LOG_LEVEL: "info" → "debug"\n {2}applied: CLEAVE_PAYMENTS_FAILURE_RATE: 0 → 0.5/);
    const views = await instanceViews(url, admin);
    for (const view of views) expect(view.settings.LOG_LEVEL).toMatchObject({ value: 'debug', source: 'reload override' });
    expect(views.find((v) => v.process === 'orders')!.settings.CLEAVE_PAYMENTS_FAILURE_RATE).toMatchObject({ value: 0.5 });
    expect((await reload('--reset')).code).toBe(0);
    for (const view of await instanceViews(url, admin)) expect(view.settings.LOG_LEVEL).toMatchObject({ value: 'info', source: 'default' });
  });

  it('carries a CORS origin added by a reload override to the gateway, live', async () => {
    const url = system.gatewayUrl;
    const configured = system.environment.CLEAVE_CORS_ORIGINS;
    expect(await corsFor(url, SHOP)).toEqual({ preflight: undefined, request: undefined });
    try {
      expect((await reload(`CLEAVE_CORS_ORIGINS=${configured},${SHOP}`)).code).toBe(0);
      await eventually(async () => expect(await corsFor(url, SHOP)).toEqual({ preflight: SHOP, request: SHOP }));
      expect((await corsFor(url, configured)).request).toBe(configured);
    } finally {
      await reload('--reset');
    }
    await eventually(async () => expect((await corsFor(url, SHOP)).request).toBeUndefined());
  });

  it('refuses an invalid change in every process, which keeps what it runs with', async () => {
    const url = system.gatewayUrl;
    writePolicy(dir, 'soon');
    const { code, output } = await reload();
    expect(code).toBe(1);
    for (const process of ['gateway', 'catalog', 'orders']) {
      expect(output).toMatch(new RegExp(`^${process} ${process}-\\S+: refused\\n {2}refused: \\S+resilience\\.json is invalid:\\n.*getProduct\\.timeoutMs must be a positive integer, got "soon"`, 'm'));
    }
    for (const view of await instanceViews(url, admin)) expect(getProductTimeout(view)).toBe(3000);
    await request(url).get(`/products/${productId}`).expect(200);
    logged(system.instancesOf('catalog')[0], /Configuration change refused \(npm run config:reload\), keeping the current settings/);

    const restartOnly = await reload('CLEAVE_BUS_BATCH=32');
    expect(restartOnly.code).toBe(1);
    expect(restartOnly.output).toContain('refused: CLEAVE_BUS_BATCH is read once at start: set it in the process\'s environment or files and restart it');
    expect((await reload('NOT_A_SETTING=1')).output).toContain('NOT_A_SETTING is not a setting of Cleave');
    writePolicy(dir, 3000);
  });
});
