import { CleaveSystem } from './support/system';
import { shopFlows } from './flows/shop.flows';
import { healthFlows } from './flows/health.flows';

// config/topology/pairs.json: users beside the gateway, orders and notifications together,
// catalog alone. Calls within a process stay local, the others cross Redis; same assertions.
describe('pairs: several modules per process, SQLite per module', () => {
  let system: CleaveSystem;

  beforeAll(async () => {
    system = await CleaveSystem.start('pairs', { database: 'sqlite' });
  });

  afterAll(async () => {
    await system?.stop();
  });

  shopFlows(() => system);

  describe('health, registry and metrics', () => healthFlows(() => system));
});
