import { hostname } from 'node:os';
import { InProcessServer } from '@cleave/platform/bus';
import { Topology } from '@cleave/platform/process';
import { HealthSettings } from '../health.settings';
import { Readiness } from '../readiness.service';
import { Heartbeat } from './heartbeat.service';
import { InMemoryRegistry } from './in-memory.registry';
import { InstanceInfo } from './instance-info';

describe('Heartbeat', () => {
  const topology = Topology.parse('one', { processes: { all: { gateway: true, modules: ['orders'] } } }, ['orders']);
  const readiness = { result: async () => ({ status: 'ok', details: {} }) } as unknown as Readiness;
  const subscriptions = [{ subscriber: 'orders', event: 'payment.failed', publisher: 'payments' }];
  const handlers = { subscriptions: () => subscriptions } as unknown as InProcessServer;

  /** What one heartbeat announces for a process listening on `listenHost`:3000. */
  async function announced(listenHost: string, env: Record<string, string> = {}): Promise<InstanceInfo> {
    const registry = new InMemoryRegistry();
    const heartbeat = new Heartbeat({ topology, processName: 'all', instanceId: 'all-1' }, HealthSettings.from(env), registry, readiness, handlers);
    await heartbeat.start(listenHost, 3000);
    const [info] = await registry.instances();
    await heartbeat.beforeApplicationShutdown();
    expect(await registry.instances()).toEqual([]);
    return info;
  }

  it('announces the events its modules take', async () => {
    expect(await announced('127.0.0.1')).toMatchObject({ url: 'http://127.0.0.1:3000', status: 'up', subscriptions });
  });

  it('announces a URL the other instances can call: never a wildcard address, the advertised host when set', async () => {
    expect((await announced('0.0.0.0')).url).toBe(`http://${hostname()}:3000`);
    expect((await announced('::')).url).toBe(`http://${hostname()}:3000`);
    expect((await announced('0.0.0.0', { CLEAVE_ADVERTISED_HOST: '10.1.2.3' })).url).toBe('http://10.1.2.3:3000');
    expect((await announced('::', { CLEAVE_ADVERTISED_HOST: 'fd00::7' })).url).toBe('http://[fd00::7]:3000');
  });
});
