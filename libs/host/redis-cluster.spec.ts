import { randomBytes } from 'node:crypto';
import { Controller, INestApplication, Module } from '@nestjs/common';
import { ROOT_CONTEXT, SpanKind } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { defineContract, event, request } from '@cleave/contracts/kernel/contract';
import { DeadLetterStore, Handles, OnEvent, ServiceBus } from '@cleave/platform/bus';
import { CacheMetrics, RedisReadCache } from '@cleave/platform/cache';
import { RedisConfigViews } from '@cleave/platform/config-sync';
import { RedisRegistry } from '@cleave/platform/health';
import { Topology } from '@cleave/platform/process';
import type { Cluster } from 'ioredis';
import { hashTag, RedisConnection, RedisConnections, RedisKeys, RedisTarget, scanKeys } from '@cleave/platform/redis';
import { RedisSpanStore } from '@cleave/platform/tracing';
import { startBusApp, testBusOptions } from '../../test/support/bus-app';
import { eventually } from '../../test/support/eventually';
import { RedisClusterUnderTest, startRedisCluster } from '../../test/support/redis-cluster';

/**
 * What Cleave keeps in Redis, on a Redis Cluster of 3 masters and 3 replicas this spec starts:
 * every multi-key command stays in one slot, and the keys still spread over the masters.
 */
const contract = defineContract('alpha', {
  requests: { double: request<{ n: number }, { n: number }>() },
  events: { 'alpha.done': event<{ n: number; poison?: boolean }>() },
});
const other = defineContract('beta', {
  requests: { negate: request<{ n: number }, { n: number }>() },
  events: { 'beta.done': event<{ n: number }>() },
});

const audited: string[] = [];
let auditBroken = true;

@Controller()
class AlphaHandlers {
  @Handles(contract, 'double')
  double({ n }: { n: number }) {
    return { n: n * 2 };
  }
}

@Controller()
class BetaHandlers {
  @Handles(other, 'negate')
  negate({ n }: { n: number }) {
    return { n: -n };
  }
}

@Controller()
class AuditHandlers {
  @OnEvent(contract, 'alpha.done', 'audit')
  onAlpha(payload: { n: number; poison?: boolean }) {
    if (payload.poison && auditBroken) throw new Error(`cannot audit ${payload.n}`);
    audited.push(`alpha:${payload.n}`);
  }

  @OnEvent(other, 'beta.done', 'audit')
  onBeta(payload: { n: number }) {
    audited.push(`beta:${payload.n}`);
  }
}

@Module({ controllers: [AlphaHandlers] })
class AlphaModule {}
@Module({ controllers: [BetaHandlers] })
class BetaModule {}
@Module({ controllers: [AuditHandlers] })
class AuditModule {}

function spansOf(traces: number): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({}), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  for (let i = 0; i < traces; i++) provider.getTracer('spec').startSpan(`GET /t${i}`, { kind: SpanKind.SERVER }, ROOT_CONTEXT).end();
  return exporter.getFinishedSpans();
}

describe('Cleave on a Redis Cluster', () => {
  let cluster: RedisClusterUnderTest;
  let target: RedisTarget;
  let connections: RedisConnections;
  let redis: RedisConnection;
  const prefix = `cleave-cluster-spec-${randomBytes(3).toString('hex')}`;
  const keys = new RedisKeys(prefix);

  beforeAll(async () => {
    cluster = await startRedisCluster();
    target = { mode: 'cluster', nodes: cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) };
    connections = new RedisConnections({ target, prefix, clientName: 'cluster-spec', replicasToAck: 1 });
    redis = connections.command;
  }, 60_000);

  afterAll(async () => {
    await connections?.onApplicationShutdown();
    await cluster?.stop();
  });

  const slot = async (key: string) => Number(await (redis as Cluster).nodes('master')[0].cluster('KEYSLOT', key));

  it('gives keys taken together one hash tag, and queues and streams tags of their own', async () => {
    expect(connections.clustered).toBe(true);
    expect(hashTag(keys.processing('orders', 'orders-1'))).toBe(hashTag(keys.requests('orders')));
    for (const together of [keys.deadLetters('order.confirmed'), keys.deliveryFailures('order.confirmed', 'notifications')]) {
      expect(await slot(together)).toBe(await slot(keys.events('order.confirmed')));
    }
    const spread = new Set(await Promise.all(['users', 'catalog', 'cart', 'orders', 'payments', 'notifications'].map(async (m) => (await cluster.masterOf(keys.requests(m))).port)));
    expect(spread.size).toBeGreaterThan(1);
    expect(connections.sameSlotGroups([keys.requests('a'), keys.requests('b'), keys.events('x')])).toHaveLength(3);
    expect(() => keys.requests('or{ders}')).toThrow(/braces/);
  });

  it('scans every master, and the registry and config views find instances on any node', async () => {
    const registry = new RedisRegistry(redis, keys, 60_000);
    const ids = Array.from({ length: 12 }, (_, i) => `users-${i}`);
    await Promise.all(ids.map((instanceId) => registry.announce({ instanceId, process: 'users' } as never)));
    const masters = new Set(await Promise.all(ids.map(async (id) => (await cluster.masterOf(keys.instance(id))).port)));
    expect(masters.size).toBeGreaterThan(1);
    expect((await registry.instances()).map((i) => i.instanceId).sort()).toEqual([...ids].sort());
    expect((await scanKeys(redis, keys.instancePattern())).length).toBe(ids.length);

    const views = new RedisConfigViews(redis, keys, 60_000);
    await Promise.all(ids.slice(0, 4).map((instanceId) => views.publish({ instanceId, process: 'users', settings: {} } as never)));
    expect((await views.all()).map((v) => v.instanceId).sort()).toEqual(ids.slice(0, 4).sort());
  });

  it('reads, fills and invalidates a read cache whose entries live on several nodes', async () => {
    const cache = new RedisReadCache(redis, { keyPrefix: keys.cache('catalog'), ttlMs: 10_000, invalidationHoldMs: 500, readTimeoutMs: 2000, invalidateTimeoutMs: 2000 }, new CacheMetrics('cluster-spec'));
    const entries = Array.from({ length: 20 }, (_, i) => [`product:${i}`, { id: i }] as const);
    await cache.setMany(entries);
    const found = await cache.getMany<{ id: number }>(entries.map(([k]) => k));
    expect(found.size).toBe(20);
    await cache.deleteMany(['product:1', 'product:2']);
    const after = await cache.getMany(['product:1', 'product:2', 'product:3']);
    expect([...after.keys()]).toEqual(['product:3']);
  });

  it('keeps spans of traces spread over the nodes, and evicts the oldest beyond its bound', async () => {
    const store = new RedisSpanStore(redis, keys, { process: 'orders', instance: 'o-1' }, { maxTraces: 5, maxSpansPerTrace: 10, maxSpans: 100, ttlSeconds: 60 });
    const spans = spansOf(8);
    for (const span of spans) await store.write([span]);
    const kept = (await store.recent(10)).map((t) => t.traceId);
    expect(kept).toHaveLength(5);
    const ids = spans.map((s) => s.spanContext().traceId);
    const lists = new Map(await Promise.all(ids.map(async (id) => [id, await redis.exists(keys.trace(id))] as const)));
    // The lists of the three traces the index dropped went with them, wherever they lived.
    expect(ids.filter((id) => lists.get(id) === 1).sort()).toEqual([...kept].sort());
    expect((await store.trace(kept[0]))[0]).toMatchObject({ traceId: kept[0], process: 'orders' });
  });

  describe('the bus', () => {
    const modules = ['alpha', 'beta', 'audit', 'caller'];
    const topology = Topology.parse('cluster', { processes: { work: { modules: ['alpha', 'beta', 'audit'] }, edge: { gateway: true, modules: ['caller'] } } }, modules);
    let apps: INestApplication[];
    let bus: ServiceBus;

    beforeAll(async () => {
      const options = (name: string) => ({ ...testBusOptions(topology, name, '', prefix), redisTarget: target, replicasToAck: 1 });
      apps = [await startBusApp(options('work'), [AlphaModule, BetaModule, AuditModule]), await startBusApp(options('edge'), [])];
      bus = apps[1].get(ServiceBus);
    });

    afterAll(async () => {
      await Promise.all(apps?.map((app) => app.close()) ?? []);
    });

    it('serves two modules of one process whose queues are on different nodes', async () => {
      expect((await cluster.masterOf(keys.requests('alpha'))).port).not.toBe((await cluster.masterOf(keys.requests('beta'))).port);
      const answers = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? bus.client(contract).double({ n: i + 1 }) : bus.client(other).negate({ n: i + 1 }))));
      expect(answers.map((a) => a.n)).toEqual(Array.from({ length: 20 }, (_, i) => (i % 2 ? (i + 1) * 2 : -(i + 1))));
    });

    it('delivers events of streams on different nodes to one subscriber, dead-letters a poison one and replays it', async () => {
      await bus.publish(contract, 'alpha.done', { n: 1, poison: true });
      await bus.publish(contract, 'alpha.done', { n: 2 });
      await bus.publish(other, 'beta.done', { n: 3 });
      await eventually(async () => expect(audited).toEqual(expect.arrayContaining(['alpha:2', 'beta:3'])), 10_000);
      const store = apps[0].get(DeadLetterStore);
      await eventually(async () => expect((await store.summary()).map((s) => [s.event, s.count])).toEqual([['alpha.done', 1]]), 15_000, 50);
      auditBroken = false;
      const [letter] = await store.list('alpha.done', { limit: 10 });
      expect(await store.replay('alpha.done', letter.id, { by: 'spec' })).toMatchObject({ group: 'audit' });
      await eventually(async () => expect(audited).toContain('alpha:1'), 10_000);
      expect(await store.summary()).toEqual([]);
    });
  });
});
