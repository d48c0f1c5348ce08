import { Histogram, Registry } from 'prom-client';
import type { MetricSnapshot } from '@cleave/platform/metrics';
import type { InstanceInfo } from '@cleave/platform/health';
import { CounterMemory } from './counter-memory';
import { histogramChildren, quantile } from './histograms';
import { InstanceTracker } from './instance-tracker';
import { METRICS } from './metric-names';
import { readResilience } from './resilience';
import { RingBuffer } from './ring-buffer';
import { tallyTraffic } from './traffic';

async function snapshotOf(registry: Registry): Promise<Map<string, MetricSnapshot>> {
  return new Map(((await registry.getMetricsAsJSON()) as MetricSnapshot[]).map((m) => [m.name, m]));
}

describe('dashboard sampling', () => {
  it('takes quantiles from cumulative buckets as histogram_quantile does', () => {
    // 10 observations: 4 up to 10 ms, 5 more up to 100 ms, 1 beyond.
    const bounds = [0.01, 0.1, 1];
    expect(quantile(0.5, bounds, [4, 9, 9], 10)).toBeCloseTo(0.01 + 0.09 * (1 / 5));
    expect(quantile(0.2, bounds, [4, 9, 9], 10)).toBeCloseTo(0.005);
    expect(quantile(0.99, bounds, [4, 9, 9], 10)).toBe(1);
    expect(quantile(0.5, bounds, [0, 0, 0], 0)).toBeNull();
  });

  it('counts what happened between two samples, across restarts, new series and new instances', () => {
    const memory = new CounterMemory();
    const at = (count: number) => ({ count, cumulative: [count] });
    expect(memory.delta('a', 'x', at(100), false)).toBeUndefined(); // history of an instance running before
    memory.commit(new Set(['a']));
    expect(memory.delta('a', 'x', at(104), false)).toEqual(at(4));
    expect(memory.delta('a', 'y', at(2), false)).toEqual(at(2)); // a series that began since the last sample
    expect(memory.delta('b', 'x', at(3), true)).toEqual(at(3)); // an instance that started since
    memory.commit(new Set(['a', 'b']));
    expect(memory.delta('a', 'x', at(1), false)).toEqual(at(1)); // restarted: counting from zero again
    memory.commit(new Set(['a']));
    expect(memory.delta('b', 'x', at(9), false)).toBeUndefined(); // b was unread: its memory is gone
  });

  it('tallies routes, bus patterns and module links from two instances, leaving out the dashboard and probes', async () => {
    const registries = [new Registry(), new Registry()];
    const http = registries.map((r) => new Histogram({ name: METRICS.http, help: 'h', labelNames: ['method', 'route', 'status'], buckets: [0.01, 0.1], registers: [r] }));
    const calls = registries.map((r) => new Histogram({ name: METRICS.calls, help: 'c', labelNames: ['caller', 'pattern', 'transport', 'outcome'], buckets: [0.01, 0.1], registers: [r] }));
    const events = registries.map((r) => new Histogram({ name: METRICS.events, help: 'e', labelNames: ['subscriber', 'event', 'transport', 'outcome'], buckets: [0.01, 0.1], registers: [r] }));
    const memory = new CounterMemory();
    const sample = async () =>
      tallyTraffic(
        await Promise.all(registries.map(async (r, i) => ({ instanceId: `i${i}`, fresh: false, metrics: await snapshotOf(r) }))),
        memory,
        (event) => (event === 'order.confirmed' ? 'orders' : undefined),
      );
    http[0].labels('GET', '/products', '200').observe(0.001);
    calls[0].labels('gateway', 'cart.checkout', 'redis', 'ok').observe(0.01);
    calls[0].labels('monolith', 'payments.refund', 'local', 'ok').observe(0.01);
    const first = await sample();
    // What instances counted before the first reading is history, but the links they saw are drawn.
    expect([...first.series.keys()]).toEqual([]);
    expect([...first.links].map(([id, tally]) => [id, tally.count])).toEqual([['call:gateway>cart', 0], ['call:monolith>payments', 0]]);
    memory.commit(new Set(['i0', 'i1']));

    http[0].labels('POST', '/cart/checkout', '201').observe(0.05);
    http[1].labels('POST', '/cart/checkout', '503').observe(0.05);
    http[1].labels('GET', '/dashboard/api/snapshot', '200').observe(0.001);
    http[1].labels('GET', '/health/ready', '200').observe(0.001);
    calls[0].labels('cart', 'orders.placeOrder', 'redis', 'ok').observe(0.02);
    calls[1].labels('orders', 'catalog.reserveStock', 'redis', 'error').observe(0.005);
    events[1].labels('notifications', 'order.confirmed', 'redis', 'ok').observe(0.002);
    const { series, links } = await sample();

    expect([...series.keys()].sort()).toEqual(['call:cart.checkout', 'call:catalog.reserveStock', 'call:orders.placeOrder', 'call:payments.refund', 'event:order.confirmed>notifications', 'http:GET /products', 'http:POST /cart/checkout']);
    expect(series.get('http:GET /products')!.count).toBe(0);
    const checkout = series.get('http:POST /cart/checkout')!;
    expect([checkout.count, checkout.errors]).toEqual([2, 1]);
    expect(checkout.point(1, 2)).toEqual([1, 1, 0.5, 55, 99.1]);
    expect(series.get('call:catalog.reserveStock')!.errors).toBe(1);
    expect([...links.keys()].sort()).toEqual(['call:cart>orders', 'call:gateway>cart', 'call:monolith>payments', 'call:orders>catalog', 'event:orders>notifications']);
    expect(links.get('call:cart>orders')!.count).toBe(1);
  });

  it('reads breakers and bulkheads per instance, outboxes and consumer lag per module', async () => {
    const metric = (name: string, values: { labels: Record<string, string>; value: number }[]): [string, MetricSnapshot] => [name, { name, help: '', type: 'gauge', aggregator: 'sum', values } as unknown as MetricSnapshot];
    const a = new Map([
      metric(METRICS.breaker, [{ labels: { target: 'catalog' }, value: 2 }]),
      metric(METRICS.bulkheadActive, [{ labels: { target: 'catalog' }, value: 3 }]),
      metric(METRICS.bulkheadQueued, [{ labels: { target: 'catalog' }, value: 1 }]),
      metric(METRICS.outboxBacklog, [{ labels: { module: 'orders' }, value: 4 }]),
      metric(METRICS.consumerLag, [{ labels: { group: 'notifications', event: 'order.confirmed', state: 'undelivered' }, value: 7 }]),
    ]);
    const b = new Map([
      metric(METRICS.outboxBacklog, [{ labels: { module: 'orders' }, value: 5 }]),
      metric(METRICS.outboxDead, [{ labels: { module: 'orders' }, value: NaN }]),
      metric(METRICS.deadLetters, [{ labels: { event: 'order.confirmed' }, value: 1 }]),
    ]);
    const view = readResilience([{ instanceId: 'g1', process: 'gateway', metrics: a }, { instanceId: 'o1', process: 'orders', metrics: b }]);
    expect(view.breakers).toEqual([{ process: 'gateway', instanceId: 'g1', target: 'catalog', state: 'open' }]);
    expect(view.bulkheads).toEqual([{ process: 'gateway', instanceId: 'g1', target: 'catalog', active: 3, queued: 1 }]);
    expect(view.outboxes).toEqual([{ module: 'orders', backlog: 5, oldestAgeSeconds: 0, dead: 0 }]);
    expect(view.consumers).toEqual([{ subscriber: 'notifications', event: 'order.confirmed', undelivered: 7, unacknowledged: 0 }]);
    expect(view.deadLetters).toEqual([{ event: 'order.confirmed', count: 1 }]);
  });

  it('turns an instance late, then gone, then forgets it', () => {
    const tracker = new InstanceTracker(1000, 5000);
    const info = (lastSeen: number): InstanceInfo => ({ instanceId: 'c1', process: 'catalog', modules: ['catalog'], gateway: false, version: '1', host: 'h', pid: 1, startedAt: new Date(0).toISOString(), status: 'up', lastSeen: new Date(lastSeen).toISOString() });
    expect(tracker.update([info(10_000)], 10_500)[0].state).toBe('live');
    expect(tracker.update([info(10_000)], 12_500)[0].state).toBe('late');
    expect(tracker.update([], 13_000)[0].state).toBe('gone');
    expect(tracker.update([], 17_999)).toHaveLength(1);
    expect(tracker.update([], 18_000)).toHaveLength(0);
  });

  it('groups histogram values into children and keeps the newest items of a ring buffer', async () => {
    const registry = new Registry();
    new Histogram({ name: 'h', help: 'h', labelNames: ['a'], buckets: [1, 2], registers: [registry] }).labels('x').observe(1.5);
    const [child] = histogramChildren((await snapshotOf(registry)).get('h'));
    expect(child).toMatchObject({ labels: { a: 'x' }, bounds: [1, 2], cumulative: [0, 1], count: 1 });
    const ring = new RingBuffer<number>(3);
    [1, 2, 3, 4].forEach((n) => ring.push(n));
    expect([ring.toArray(), ring.toArray(2), ring.last(), ring.size]).toEqual([[2, 3, 4], [3, 4], 4, 3]);
  });
});
