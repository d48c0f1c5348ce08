import request from 'supertest';
import { ADMIN, CleaveSystem } from './support/system';
import { createProduct } from './flows/shop.flows';

/** Tight limits; clients told apart by X-Forwarded-For, which a trusted proxy (loopback here) may set. */
const TIGHT = {
  CLEAVE_TRUSTED_PROXIES: 'loopback',
  CLEAVE_RATE_LIMIT_AUTH: '4/2s',
  CLEAVE_RATE_LIMIT_CHECKOUT: '2/1m',
  CLEAVE_LOGIN_FREE_FAILURES: '2',
  CLEAVE_LOGIN_BACKOFF: '1s',
  CLEAVE_LOGIN_BACKOFF_MAX: '1m',
};

const PASSWORD = 'correct-horse-battery';
let clients = 0;
let emails = 0;

/** A fresh client address (TEST-NET-3) and email per use. */
const client = () => `203.0.113.${++clients}`;
const email = () => `limited-${Date.now()}-${++emails}@example.com`;

/** Until the refusal's Retry-After has passed: the limit says when, there is no event to await. */
const waitOut = (res: request.Response) => new Promise((resolve) => setTimeout(resolve, Number(res.headers['retry-after']) * 1000 + 100));

function rateLimitFlows(system: () => CleaveSystem, gateways: () => string[]): void {
  /** The n-th call goes to the n-th gateway, round robin: a limit shared by all of them holds across. */
  let turn = 0;
  const gateway = () => gateways()[turn++ % gateways().length];
  const register = (from: string, address = email()) => request(gateway()).post('/auth/register').set('X-Forwarded-For', from).send({ email: address, password: PASSWORD });
  const login = (from: string, address: string, password = PASSWORD) => request(gateway()).post('/auth/login').set('X-Forwarded-For', from).send({ email: address, password });

  it('limits registrations per client address with 429, Retry-After and RateLimit headers, and resets after the window', async () => {
    const ann = client();
    for (let i = 0; i < 3; i++) await register(ann).expect(201);
    const last = await register(ann).expect(201);
    expect({ limit: last.headers['ratelimit-limit-auth'], remaining: last.headers['ratelimit-remaining-auth'] }).toEqual({ limit: '4', remaining: '0' });
    const refused = await register(ann).expect(429);
    expect(refused.body).toEqual({ statusCode: 429, error: 'RATE_LIMITED', message: expect.stringMatching(/at most 4 per 2 s/), details: expect.objectContaining({ retryAfterSeconds: expect.any(Number) }), traceId: expect.any(String) });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    await register(client()).expect(201);
    await waitOut(refused);
    const again = await register(ann).expect(201);
    expect(again.headers['ratelimit-remaining-auth']).toBe('3');
  });

  it('makes an email wait after failed logins, longer each time, the same whether or not its account exists', async () => {
    const known = email();
    await register(client(), known).expect(201);
    for (const address of [known, email()]) {
      for (let i = 0; i < 3; i++) await login(client(), address, 'wrong-password').expect(401);
      const waiting = await login(client(), address).expect(429);
      expect(waiting.body).toMatchObject({ error: 'RATE_LIMITED', message: expect.stringMatching(/failed logins for this email/) });
      expect(waiting.headers['retry-after']).toBe('1');
      await waitOut(waiting);
      await login(client(), address, 'wrong-password').expect(401);
      const longer = await login(client(), address, 'wrong-password').expect(429);
      expect(longer.headers['retry-after']).toBe('2');
      await waitOut(longer);
    }
    await login(client(), known).expect(200);
  });

  it('limits checkouts per user, not per address', async () => {
    const admin = (await login(client(), ADMIN.email, ADMIN.password).expect(200)).body.accessToken as string;
    const product = await createProduct(gateways()[0], admin, { stock: 100 });
    const shopper = async () => {
      const address = email();
      await register(client(), address).expect(201);
      return (await login(client(), address).expect(200)).body.accessToken as string;
    };
    const [ann, bob] = [await shopper(), await shopper()];
    const order = (token: string) => request(gateway()).post('/orders').set('Authorization', `Bearer ${token}`).set('X-Forwarded-For', client()).send({ items: [{ productId: product.id, quantity: 1 }] });
    await order(ann).expect(201);
    await order(ann).expect(201);
    const refused = await order(ann).expect(429);
    expect(refused.headers['retry-after']).toBeDefined();
    await order(bob).expect(201);
  });
}

describe('rate limits, one process: counted in memory', () => {
  let system: CleaveSystem;

  beforeAll(async () => {
    system = await CleaveSystem.start('monolith', { env: { REDIS_URL: 'redis://127.0.0.1:1', ...TIGHT } });
  });

  afterAll(async () => {
    await system?.stop();
  });

  rateLimitFlows(() => system, () => [system.gatewayUrl]);
});

describe('rate limits, split: counted in Redis, shared by two gateway instances', () => {
  let system: CleaveSystem;
  let urls: string[];

  beforeAll(async () => {
    system = await CleaveSystem.start('split', { database: 'sqlite', env: TIGHT });
    await system.startInstance('gateway');
    urls = system.instancesOf('gateway').map((i) => i.url);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('runs two gateways', () => expect(urls).toHaveLength(2));

  rateLimitFlows(() => system, () => urls);
});
