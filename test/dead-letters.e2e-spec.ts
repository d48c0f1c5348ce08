import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import request from 'supertest';
import { CleaveSystem, metricValue } from './support/system';
import { ROOT } from './support/system-env';
import { eventually } from './support/eventually';
import { adminToken, createProduct, placeOrder, registerAndLogin, Shopper } from './flows/shop.flows';

const run = promisify(execFile);
const MAX_DELIVERIES = 3;
/** Generous: how long the events take is not what is tested, and the machine may be busy. */
const PATIENCE_MS = 30_000;

/**
 * A poison event end to end: notifications' handler fails one customer's order.confirmed
 * (CLEAVE_FAULT_FAIL), which goes to the dead-letter stream after N deliveries without
 * holding up the events behind it; once the handler is fixed (the instance restarted without
 * the fault) it is replayed from the gateway's admin route and from `npm run dlq`.
 */
describe('dead letters: a poison event is set aside, then replayed once its handler is fixed', () => {
  let system: CleaveSystem;
  let url: string;
  let admin: string;
  let poisoned: Shopper;
  let bystander: Shopper;
  const orders: string[] = [];
  const env = () => ({ ...process.env, ...system.environment });
  const dlq = (...args: string[]) => run('npm', ['run', '--silent', 'dlq', '--', ...args], { cwd: ROOT, env: env() });
  const confirmations = async (shopper: Shopper) => {
    const res = await request(url).get('/notifications').set('Authorization', `Bearer ${shopper.token}`).expect(200);
    return (res.body as { kind: string; message: string }[]).filter((n) => n.kind === 'order.confirmed').map((n) => n.message);
  };

  beforeAll(async () => {
    system = await CleaveSystem.start('shop-and-notifications', { env: { CLEAVE_EVENTS_MAX_DELIVERIES: String(MAX_DELIVERIES) } });
    url = system.gatewayUrl;
    admin = await adminToken(url);
    poisoned = await registerAndLogin(url, 'poisoned');
    bystander = await registerAndLogin(url, 'bystander');
    await system.stopProcess('notifications');
    await system.startInstance('notifications', { CLEAVE_FAULT_FAIL: `order.confirmed=${poisoned.id}` });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('dead-letters the poison events after N deliveries, with their first error, and delivers the events behind them', async () => {
    const product = await createProduct(url, admin, { stock: 10 });
    for (let i = 0; i < 2; i++) orders.push((await placeOrder(url, poisoned, product.id, 1).expect(201)).body.id);
    const behind = (await placeOrder(url, bystander, product.id, 1).expect(201)).body.id;
    await eventually(async () => expect((await confirmations(bystander)).some((m) => m.includes(behind))).toBe(true), PATIENCE_MS);

    const summary = await eventually(async () => {
      const res = await request(url).get('/dead-letters').set('Authorization', `Bearer ${admin}`).expect(200);
      expect(res.body.events).toEqual([expect.objectContaining({ event: 'order.confirmed', count: 2, groups: { notifications: 2 } })]);
      return res.body.events[0];
    }, PATIENCE_MS, 200);
    expect(summary.oldest.firstError).toMatch(/^INTERNAL: Fault injected by CLEAVE_FAULT_FAIL: order\.confirmed/);
    expect(await confirmations(poisoned)).toEqual([]);
    const [notifications] = system.instancesOf('notifications');
    expect(await metricValue(notifications, 'cleave_event_dead_letters', { event: 'order.confirmed' })).toBe(2);

    const listed = await request(url).get('/dead-letters/order.confirmed').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(listed.body.deadLetters).toHaveLength(2);
    expect(listed.body.deadLetters[0]).toMatchObject({ group: 'notifications', deliveries: MAX_DELIVERIES, data: { orderId: orders[0], userId: poisoned.id } });
    const { stdout } = await dlq('list');
    expect(stdout).toMatch(/order\.confirmed\s+2\s+notifications:2\s+\S+\s+INTERNAL: Fault injected/);
  });

  it('keeps the dead-letter routes to administrators, with clear errors', async () => {
    await request(url).get('/dead-letters').expect(401);
    await request(url).get('/dead-letters').set('Authorization', `Bearer ${bystander.token}`).expect(403);
    await request(url).get('/dead-letters/not-an-event').set('Authorization', `Bearer ${admin}`).expect(400);
    await request(url).get('/dead-letters/order.confirmed/1-0').set('Authorization', `Bearer ${admin}`).expect(404);
    await request(url).post('/dead-letters/order.confirmed/1-0/replay').set('Authorization', `Bearer ${admin}`).expect(404);
    await request(url).get('/dead-letters/order.confirmed?limit=0').set('Authorization', `Bearer ${admin}`).expect(400);
  });

  it('replays them once the handler is fixed: one from the admin route, the rest with npm run dlq', async () => {
    await system.stopProcess('notifications');
    await system.startInstance('notifications');
    const listed = await request(url).get('/dead-letters/order.confirmed').set('Authorization', `Bearer ${admin}`).expect(200);
    const [first] = listed.body.deadLetters as { id: string; eventId: string }[];

    const replayed = await request(url).post(`/dead-letters/order.confirmed/${first.id}/replay`).set('Authorization', `Bearer ${admin}`).expect(200);
    expect(replayed.body).toMatchObject({ id: first.id, group: 'notifications', eventId: first.eventId });
    await eventually(async () => expect((await confirmations(poisoned)).some((m) => m.includes(orders[0]))).toBe(true), PATIENCE_MS);

    const { stdout } = await dlq('replay', 'order.confirmed', '--all');
    expect(stdout).toMatch(/^Replayed 1 dead letter\b/);
    await eventually(async () => expect(await confirmations(poisoned)).toHaveLength(2), PATIENCE_MS);
    const after = await request(url).get('/dead-letters').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(after.body.events).toEqual([]);
  });
});

/**
 * One process: no streams; the poison event is parked in its module's outbox after N
 * attempts, the events behind it flow, and the same admin routes show and replay it.
 */
describe('dead letters in one process: a poison event is parked in its outbox, then replayed', () => {
  let system: CleaveSystem;
  let url: string;
  let admin: string;
  let poisoned: Shopper;
  const knobs = { CLEAVE_EVENTS_MAX_DELIVERIES: '2', CLEAVE_EVENTS_CLAIM_IDLE_MS: '200', CLEAVE_OUTBOX_MAX_BACKOFF_MS: '100' };
  const restart = async (env: Record<string, string> = {}) => {
    await system.stopProcess('monolith');
    await system.startInstance('monolith', env);
    url = system.gatewayUrl;
    admin = await adminToken(url);
  };
  const confirmations = async (shopper: Shopper) => {
    const res = await request(url).get('/notifications').set('Authorization', `Bearer ${shopper.token}`).expect(200);
    return (res.body as { kind: string; message: string }[]).filter((n) => n.kind === 'order.confirmed').map((n) => n.message);
  };

  beforeAll(async () => {
    system = await CleaveSystem.start('monolith', { env: knobs });
    url = system.gatewayUrl;
    poisoned = await registerAndLogin(url, 'poisoned');
    await restart({ CLEAVE_FAULT_FAIL: `order.confirmed=${poisoned.id}` });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('parks the poison event, delivers the ones behind it, and replays it once the handler is fixed', async () => {
    const bystander = await registerAndLogin(url, 'bystander');
    const product = await createProduct(url, admin, { stock: 10 });
    const order = (await placeOrder(url, poisoned, product.id, 1).expect(201)).body.id;
    const behind = (await placeOrder(url, bystander, product.id, 1).expect(201)).body.id;
    await eventually(async () => expect((await confirmations(bystander)).some((m) => m.includes(behind))).toBe(true), PATIENCE_MS);

    const summary = await eventually(async () => {
      const res = await request(url).get('/dead-letters').set('Authorization', `Bearer ${admin}`).expect(200);
      expect(res.body.events).toEqual([expect.objectContaining({ event: 'order.confirmed', count: 1, groups: { notifications: 1 } })]);
      return res.body.events[0];
    }, PATIENCE_MS, 100);
    expect(summary.oldest.firstError).toMatch(/notifications: INTERNAL: Fault injected by CLEAVE_FAULT_FAIL/);
    const [monolith] = system.instancesOf('monolith');
    expect(await metricValue(monolith, 'cleave_outbox_dead', { module: 'orders' })).toBe(1);

    await restart();
    const replayed = await request(url).post('/dead-letters/order.confirmed/replay').set('Authorization', `Bearer ${admin}`).expect(200);
    expect(replayed.body.replayed).toEqual([expect.objectContaining({ id: summary.oldest.id, eventId: summary.oldest.eventId })]);
    await eventually(async () => expect((await confirmations(poisoned)).some((m) => m.includes(order))).toBe(true), PATIENCE_MS);
    expect((await request(url).get('/dead-letters').set('Authorization', `Bearer ${admin}`).expect(200)).body.events).toEqual([]);
  });
});
