import request from 'supertest';
import { CleaveSystem, metricValue } from './support/system';
import { eventually } from './support/eventually';
import { adminToken, createProduct, registerAndLogin, shopFlows } from './flows/shop.flows';
import { healthFlows } from './flows/health.flows';
import { peopleFlows } from './flows/people.flows';
import { cartFlows } from './flows/cart.flows';
import { catalogFlows } from './flows/catalog.flows';
import { edgeFlows } from './flows/edge.flows';
import { eventFlows } from './flows/events.flows';

const handledReads = { pattern: 'catalog.getProduct', transport: 'redis', outcome: 'ok' };

interface ServiceView {
  process: string;
  instances: { instanceId: string; status: string }[];
}

describe('split: a process per module over Redis, PostgreSQL per module', () => {
  let system: CleaveSystem;

  beforeAll(async () => {
    system = await CleaveSystem.start('split');
  });

  afterAll(async () => {
    await system?.stop();
  });

  shopFlows(() => system);
  describe('people: profiles, roles, notifications', () => peopleFlows(() => system));
  describe('cart and checkout', () => cartFlows(() => system));

  describe('catalog and inventory', () => catalogFlows(() => system));

  describe('the public edge', () => edgeFlows(() => system));

  describe('health, registry and metrics', () => {
    healthFlows(() => system);

    it('is degraded without a non-critical service, and drops a cleanly stopped instance at once', async () => {
      const url = system.gatewayUrl;
      await system.stopProcess('notifications');
      const health = await request(url).get('/health').expect(200);
      expect(health.body.status).toBe('degraded');
      expect(health.body.services.notifications).toMatchObject({ status: 'down', critical: false, instances: 0, reason: 'no instance is running' });
      await system.startInstance('notifications');
      await eventually(async () => expect((await request(url).get('/health').expect(200)).body.status).toBe('healthy'));
    });

    it('forgets an instance killed with -9 within three heartbeats', async () => {
      const extra = await system.startInstance('users');
      const admin = await adminToken(system.gatewayUrl);
      const listed = async () => ((await request(system.gatewayUrl).get('/services').set('Authorization', `Bearer ${admin}`)).body.services as ServiceView[]).find((s) => s.process === 'users')!.instances.map((i) => i.instanceId);
      await eventually(async () => expect(await listed()).toContain(extra.instanceId));
      await system.kill(extra, 'SIGKILL');
      const started = Date.now();
      await eventually(async () => expect(await listed()).not.toContain(extra.instanceId), 5000, 50);
      expect(Date.now() - started).toBeLessThan(3 * 200 + 500);
    });

    it('turns not ready without a critical dependency, and ready again on its own', async () => {
      const url = system.gatewayUrl;
      const [orders] = system.instancesOf('orders');
      await system.stopProcess('catalog');
      const notReady = await request(orders.url).get('/health/ready').expect(503);
      expect(notReady.body.error['module:catalog']).toMatchObject({ status: 'down', message: 'no catalog instance is running' });
      await eventually(async () => {
        const res = await request(url).get('/health').expect(503);
        expect(res.body.status).toBe('down');
        expect(res.body.services.catalog).toMatchObject({ status: 'down', critical: true });
      });
      await system.startInstance('catalog');
      await eventually(async () => request(orders.url).get('/health/ready').expect(200));
      await eventually(async () => expect((await request(url).get('/health').expect(200)).body.status).toBe('healthy'));
    });

    it('reports event consumer lag per subscribing module', async () => {
      const [notifications] = system.instancesOf('notifications');
      const text = (await request(notifications.url).get('/metrics').expect(200)).text;
      expect(text).toMatch(/cleave_event_consumer_lag\{group="notifications",event="order.confirmed",state="undelivered"\} \d+/);
    });
  });

  describe('the bus across processes', () => {
    let url: string;
    let admin: string;

    beforeAll(async () => {
      url = system.gatewayUrl;
      admin = await adminToken(url);
    });

    it('hands each request to exactly one of two catalog instances', async () => {
      await system.startInstance('catalog');
      const instances = system.instancesOf('catalog');
      expect(instances).toHaveLength(2);
      const product = await createProduct(url, admin);
      const before = await Promise.all(instances.map((i) => metricValue(i, 'cleave_bus_handled_total', handledReads)));

      const reads = 200;
      const inFlight = 10;
      let next = 0;
      await Promise.all(
        Array.from({ length: inFlight }, async () => {
          while (next < reads) {
            next++;
            await request(url).get(`/products/${product.id}`).expect(200);
          }
        }),
      );

      const after = await Promise.all(instances.map((i) => metricValue(i, 'cleave_bus_handled_total', handledReads)));
      const handled = after.map((count, i) => count - before[i]);
      expect(handled[0] + handled[1]).toBe(reads);
      expect(handled[0]).toBeGreaterThan(0);
      expect(handled[1]).toBeGreaterThan(0);
      await system.kill(instances[1]);
    });

    eventFlows(() => system);

    it('fails fast with 503 when no catalog instance is running', async () => {
      await system.stopProcess('catalog');
      const started = Date.now();
      const res = await request(url).get('/products').expect(503);
      const elapsed = Date.now() - started;
      expect(res.body.message).toMatch(/catalog did not answer/);
      expect(elapsed).toBeGreaterThanOrEqual(1400);
      expect(elapsed).toBeLessThan(1500 + 1000);

      // Back up: the stale request expired in the queue and is not executed late.
      const catalog = await system.startInstance('catalog');
      await request(url).get('/products').expect(200);
      expect(await metricValue(catalog, 'cleave_bus_expired_total', { pattern: 'catalog.listProducts' })).toBe(1);
    });
  });
});
