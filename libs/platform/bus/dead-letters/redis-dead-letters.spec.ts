import { randomBytes } from 'node:crypto';
import { Controller, INestApplication, Logger, Module } from '@nestjs/common';
import { Ctx } from '@nestjs/microservices';
import { register } from 'prom-client';
import { defineContract, event } from '@cleave/contracts/kernel/contract';
import { Topology } from '@cleave/platform/process';
import { createRedisConnection, RedisConnection, RedisKeys } from '@cleave/platform/redis';
import { startBusApp, testBusOptions } from '../../../../test/support/bus-app';
import { eventually } from '../../../../test/support/eventually';
import { ensureRedis } from '../../../../test/support/redis';
import { BusContext } from '../bus.context';
import { OnEvent } from '../bus.decorators';
import { ServiceBus } from '../service-bus';
import { DeadLetterStore } from './dead-letter-store';

const contract = defineContract('ledger', { requests: {}, events: { 'ledger.posted': event<{ n: number; poison?: boolean }>() } });

/** What each subscribing module handled: `n:messageId`. */
const handled: Record<'audit' | 'mirror', string[]> = { audit: [], mirror: [] };
/** The audit handler's bug: it fails poison entries while this is set. */
let auditBroken = true;

@Controller()
class AuditHandlers {
  @OnEvent(contract, 'ledger.posted', 'audit')
  onPosted(payload: { n: number; poison?: boolean }, @Ctx() ctx: BusContext) {
    if (payload.poison && auditBroken) throw new Error(`cannot post entry ${payload.n}`);
    handled.audit.push(`${payload.n}:${ctx.messageId}`);
  }
}

@Controller()
class MirrorHandlers {
  @OnEvent(contract, 'ledger.posted', 'mirror')
  onPosted(payload: { n: number }, @Ctx() ctx: BusContext) {
    handled.mirror.push(`${payload.n}:${ctx.messageId}`);
  }
}

@Module({ controllers: [AuditHandlers] })
class AuditModule {}

@Module({ controllers: [MirrorHandlers] })
class MirrorModule {}

const admin = { by: 'spec' };

describe('dead letters over Redis', () => {
  const modules = ['ledger', 'audit', 'mirror'];
  const topology = Topology.parse('dlq', { processes: { a: { gateway: true, modules: ['ledger', 'audit'] }, b: { modules: ['mirror'] } } }, modules);
  let prefix: string;
  let redis: RedisConnection;
  let apps: INestApplication[];
  let bus: ServiceBus;
  let store: DeadLetterStore;

  beforeAll(async () => {
    const url = (await ensureRedis()).url;
    redis = createRedisConnection({ mode: 'single', url: url });
    prefix = `cleave-dlq-spec-${randomBytes(4).toString('hex')}`;
    apps = await Promise.all([
      startBusApp(testBusOptions(topology, 'a', url, prefix), [AuditModule]),
      startBusApp(testBusOptions(topology, 'b', url, prefix), [MirrorModule]),
    ]);
    bus = apps[0].get(ServiceBus);
    store = apps[0].get(DeadLetterStore);
  });

  afterAll(async () => {
    await Promise.all(apps?.map((app) => app.close()) ?? []);
    const keys = await redis.keys(`${prefix}*`);
    if (keys.length) await redis.del(...keys);
    redis.disconnect();
  });

  const deadLetters = () => redis.xlen(new RedisKeys(prefix).deadLetters('ledger.posted'));

  it('moves a poison event aside after N deliveries, with its first error, and lets the events behind it through', async () => {
    await bus.publish(contract, 'ledger.posted', { n: 1, poison: true });
    await bus.publish(contract, 'ledger.posted', { n: 2 });
    await eventually(() => expect(handled.audit.map((h) => h.split(':')[0])).toEqual(['2']), 15_000, 10);
    await eventually(async () => expect(await deadLetters()).toBe(1), 15_000, 20);
    expect(handled.mirror.map((h) => h.split(':')[0]).sort()).toEqual(['1', '2']);

    const [summary] = await store.summary();
    expect(summary).toMatchObject({ event: 'ledger.posted', count: 1, groups: { audit: 1 }, oldest: { group: 'audit', firstError: 'INTERNAL: cannot post entry 1' } });
    const [letter] = await store.list('ledger.posted', { limit: 10 });
    expect(letter).toMatchObject({ group: 'audit', deliveries: 3, firstError: 'INTERNAL: cannot post entry 1', lastError: 'INTERNAL: cannot post entry 1', data: { n: 1, poison: true } });
    expect(await store.get('ledger.posted', letter.id)).toEqual(letter);
    // Nothing left behind: the entry is acknowledged, its error record gone with it.
    expect(((await redis.xpending(new RedisKeys(prefix).events('ledger.posted'), 'audit')) as [number])[0]).toBe(0);
    expect(await redis.exists(new RedisKeys(prefix).deliveryFailures('ledger.posted', 'audit'))).toBe(0);
    expect(await register.getSingleMetricAsString('cleave_event_dead_letters')).toContain('cleave_event_dead_letters{event="ledger.posted"} 1');
  });

  it('replays a dead letter to the module that failed it alone, under the same event id', async () => {
    auditBroken = false;
    const [letter] = await store.list('ledger.posted', { limit: 10 });
    const mirrored = handled.mirror.length;
    const replayed = await store.replay('ledger.posted', letter.id, admin);
    expect(replayed).toMatchObject({ id: letter.id, group: 'audit', eventId: letter.eventId, replayedAs: expect.stringMatching(/^\d+-\d+$/) });
    await eventually(() => expect(handled.audit).toContain(`1:${letter.eventId}`), 15_000, 10);
    expect(await deadLetters()).toBe(0);
    expect(await store.replay('ledger.posted', letter.id, admin)).toBeUndefined();
    // mirror's group acknowledges the replay without handling it again.
    await eventually(async () => expect(((await redis.xpending(new RedisKeys(prefix).events('ledger.posted'), 'mirror')) as [number])[0]).toBe(0), 15_000, 20);
    const groups = (await redis.xinfo('GROUPS', new RedisKeys(prefix).events('ledger.posted'))) as unknown[][];
    expect(groups.map((g) => g[g.indexOf('lag') + 1])).toEqual([0, 0]);
    expect(handled.mirror).toHaveLength(mirrored);
  });

  it('drops dead letters with their content in the log', async () => {
    auditBroken = true;
    await bus.publish(contract, 'ledger.posted', { n: 3, poison: true });
    await bus.publish(contract, 'ledger.posted', { n: 4, poison: true });
    await eventually(async () => expect(await deadLetters()).toBe(2), 15_000, 20);
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      const [first] = await store.list('ledger.posted', { limit: 1 });
      expect(await store.drop('ledger.posted', first.id, admin)).toMatchObject({ id: first.id, data: { n: first.data && (first.data as { n: number }).n } });
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(new RegExp(`Dropped dead letter ${first.id} of ledger.posted .*asked by spec: .*"poison":true`)));
      expect(await store.dropAll('ledger.posted', admin)).toHaveLength(1);
    } finally {
      warn.mockRestore();
    }
    expect(await deadLetters()).toBe(0);
    expect(await store.summary()).toEqual([]);
  });
});
