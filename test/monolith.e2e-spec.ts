import { CleaveSystem } from './support/system';
import { shopFlows } from './flows/shop.flows';
import { healthFlows } from './flows/health.flows';
import { peopleFlows } from './flows/people.flows';
import { cartFlows } from './flows/cart.flows';
import { catalogFlows } from './flows/catalog.flows';
import { edgeFlows } from './flows/edge.flows';

describe('monolith: every module in one process, SQLite, no Redis', () => {
  let system: CleaveSystem;

  beforeAll(async () => {
    system = await CleaveSystem.start('monolith', { env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  });

  afterAll(async () => {
    await system?.stop();
  });

  shopFlows(() => system);
  describe('people: profiles, roles, notifications', () => peopleFlows(() => system));
  describe('cart and checkout', () => cartFlows(() => system));

  describe('catalog and inventory', () => catalogFlows(() => system));

  describe('the public edge', () => edgeFlows(() => system));

  describe('health, registry and metrics', () => healthFlows(() => system));
});
