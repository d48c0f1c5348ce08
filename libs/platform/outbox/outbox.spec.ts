import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Column, DataSource, Entity, PrimaryColumn } from 'typeorm';
import { defineContract, event, request } from '@cleave/contracts/kernel/contract';
import { EventHandlersFailedError, RecordedEvent, ServiceBus } from '@cleave/platform/bus';
import { createModuleDatabases, dropModuleDatabases } from '../../../test/support/postgres';
import { WriteQueue } from '@cleave/platform/database';
import { eventually } from '../../../test/support/eventually';
import { OUTBOX_MIGRATIONS } from './outbox.schema';
import { OutboxMessage } from './outbox-message.entity';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox.relay';

@Entity({ name: 'things' })
class Thing {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'integer' })
  size!: number;
}

const thingsContract = defineContract('things', {
  requests: { noop: request<void, void>() },
  events: { 'thing.made': event<{ id: string; size: number }>() },
});

/** The bus as the relay sees it: takes events, refuses them while "down", or has a subscriber fail one. */
class RecordingBus {
  readonly published: RecordedEvent[] = [];
  down = false;
  poison?: string;
  latencyMs = 0;

  async publishRecorded(message: RecordedEvent): Promise<void> {
    if (this.latencyMs) await new Promise((resolve) => setTimeout(resolve, this.latencyMs));
    if (this.down) throw new Error('Redis is away');
    if ((message.payload as { id: string }).id === this.poison) throw new EventHandlersFailedError('notifications: cannot handle it');
    this.published.push(message);
  }
}

describe('transactional outbox', () => {
  let dataSource: DataSource;
  let bus: RecordingBus;
  let relay: OutboxRelay;
  let outbox: Outbox;

  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
  });

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [Thing, OutboxMessage],
      migrations: OUTBOX_MIGRATIONS,
      migrationsRun: true,
    });
    await dataSource.initialize();
    await dataSource.query('CREATE TABLE things (id varchar(36) PRIMARY KEY, size integer NOT NULL)');
    bus = new RecordingBus();
    const writes = new WriteQueue(dataSource);
    relay = new OutboxRelay('things', dataSource, writes, bus as unknown as ServiceBus, { pollMs: 20, batchSize: 2, maxBackoffMs: 50, maxDeliveries: 3, parkAfterMs: 0 });
    outbox = new Outbox(dataSource, writes, relay);
  });

  afterEach(async () => {
    await relay.onModuleDestroy();
    await dataSource.destroy();
  });

  const make = (id: string, size: number) =>
    outbox.transaction(async (tx) => {
      await tx.manager.insert(Thing, { id, size });
      tx.publish(thingsContract, 'thing.made', { id, size });
    });

  it('publishes committed events in commit order under their own ids, then forgets them', async () => {
    relay.onApplicationBootstrap();
    for (let i = 1; i <= 5; i++) await make(`t${i}`, i);
    await eventually(() => expect(bus.published).toHaveLength(5));
    expect(bus.published.map((m) => m.payload)).toEqual([1, 2, 3, 4, 5].map((i) => ({ id: `t${i}`, size: i })));
    expect(new Set(bus.published.map((m) => m.eventId)).size).toBe(5);
    await eventually(async () => expect(await relay.backlog()).toEqual({ count: 0, oldestCreatedAt: undefined, dead: 0 }));
  });

  it('publishes nothing for a transaction that rolls back', async () => {
    relay.onApplicationBootstrap();
    await expect(
      outbox.transaction(async (tx) => {
        tx.publish(thingsContract, 'thing.made', { id: 'ghost', size: 0 });
        await tx.manager.insert(Thing, { id: 'ghost', size: 0 });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    await make('real', 1);
    await eventually(() => expect(bus.published.map((m) => (m.payload as { id: string }).id)).toEqual(['real']));
    expect(await dataSource.getRepository(Thing).count()).toBe(1);
  });

  it('refuses an event the contract does not declare', async () => {
    await expect(outbox.transaction(async (tx) => tx.publish(thingsContract, 'thing.lost' as never, {} as never))).rejects.toThrow(/declares no event/);
  });

  it('keeps events while the bus is down and relays them, once each, when it is back', async () => {
    relay.onApplicationBootstrap();
    bus.down = true;
    await make('a', 1);
    await make('b', 2);
    await eventually(async () => {
      const rows = await dataSource.getRepository(OutboxMessage).find();
      expect(rows[0]?.attempts).toBeGreaterThanOrEqual(2);
      expect(rows[0]?.lastError).toBe('Redis is away');
    });
    expect((await relay.backlog()).count).toBe(2);
    bus.down = false;
    await eventually(() => expect(bus.published.map((m) => (m.payload as { id: string }).id)).toEqual(['a', 'b']));
  });

  it('relays at start what a previous run committed but never sent', async () => {
    await make('left-behind', 1); // the relay is not running: a crash right after the commit
    const stored = await dataSource.getRepository(OutboxMessage).findOneByOrFail({ event: 'thing.made' });
    relay.onApplicationBootstrap();
    await eventually(() => expect(bus.published).toEqual([{ eventId: stored.eventId, event: 'thing.made', payload: { id: 'left-behind', size: 1 }, traceparent: null }]));
  });

  it('polls less and less while it finds nothing, finds a row left behind within its longest wait, and relays a commit at once', async () => {
    await relay.onModuleDestroy();
    const writes = new WriteQueue(dataSource);
    relay = new OutboxRelay('things', dataSource, writes, bus as unknown as ServiceBus, { pollMs: 20, idlePollMs: 320, batchSize: 2, maxBackoffMs: 50, maxDeliveries: 3, parkAfterMs: 0 });
    outbox = new Outbox(dataSource, writes, relay);
    const reads = jest.spyOn(dataSource.manager, 'createQueryBuilder');
    relay.onApplicationBootstrap();
    await new Promise((resolve) => setTimeout(resolve, 1000));
    // At a fixed 20 ms, about 50 polls; doubling from 20 ms to 320 ms, 6.
    expect(reads.mock.calls.length).toBeLessThanOrEqual(10);

    // Committed by a process whose relay never ran (a crash): only a poll finds it.
    const unkicked = new Outbox(dataSource, writes, { kick: () => undefined } as unknown as OutboxRelay);
    await unkicked.transaction(async (tx) => tx.publish(thingsContract, 'thing.made', { id: 'orphan', size: 1 }));
    await eventually(() => expect(bus.published.map((m) => (m.payload as { id: string }).id)).toEqual(['orphan']), 2 * 320 + 200, 10);

    await new Promise((resolve) => setTimeout(resolve, 700));
    const started = performance.now();
    await make('now', 2);
    await eventually(() => expect(bus.published).toHaveLength(2), 2000, 5);
    // Not made to wait for the backed-off poll.
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('parks an event its subscribers keep failing, and relays the ones after it', async () => {
    bus.poison = 'bad';
    relay.onApplicationBootstrap();
    await make('before', 1);
    await make('bad', 2);
    await make('after', 3);
    await eventually(() => expect(bus.published.map((m) => (m.payload as { id: string }).id)).toEqual(['before', 'after']));
    const parked = await dataSource.getRepository(OutboxMessage).findOneByOrFail({ event: 'thing.made' });
    expect(parked).toMatchObject({ attempts: 3, lastError: 'notifications: cannot handle it', deadAt: expect.any(String) });
    expect(await relay.backlog()).toEqual({ count: 0, oldestCreatedAt: undefined, dead: 1 });
  });

  it('parks nothing younger than the parking age, however often it failed', async () => {
    await relay.onModuleDestroy();
    const writes = new WriteQueue(dataSource);
    relay = new OutboxRelay('things', dataSource, writes, bus as unknown as ServiceBus, { pollMs: 20, batchSize: 2, maxBackoffMs: 50, maxDeliveries: 3, parkAfterMs: 60_000 });
    outbox = new Outbox(dataSource, writes, relay);
    bus.poison = 'young';
    relay.onApplicationBootstrap();
    await make('young', 1);
    await eventually(async () => expect((await dataSource.getRepository(OutboxMessage).findOneByOrFail({ event: 'thing.made' })).attempts).toBeGreaterThan(4));
    expect((await relay.backlog()).dead).toBe(0);
  });

  it('never gives up on events while the bus itself is down', async () => {
    bus.down = true;
    relay.onApplicationBootstrap();
    await make('patient', 1);
    await eventually(async () => expect((await dataSource.getRepository(OutboxMessage).findOneByOrFail({ event: 'thing.made' })).attempts).toBeGreaterThan(3));
    expect((await relay.backlog()).dead).toBe(0);
    bus.down = false;
    await eventually(() => expect(bus.published).toHaveLength(1));
  });
});

describe('transactional outbox on PostgreSQL', () => {
  const prefix = `cleave_unit_outbox_${process.pid}`;
  let url: string;
  const open: DataSource[] = [];

  beforeAll(async () => {
    url = (await createModuleDatabases(prefix, ['things'])).DATABASE_URL_THINGS;
  });

  afterAll(async () => {
    await Promise.all(open.map((d) => d.destroy()));
    await dropModuleDatabases(prefix, ['things']);
  });

  async function instance(bus: RecordingBus): Promise<{ relay: OutboxRelay; outbox: Outbox }> {
    const dataSource = await new DataSource({ type: 'postgres', url, entities: [Thing, OutboxMessage] }).initialize();
    open.push(dataSource);
    const writes = new WriteQueue(dataSource);
    const relay = new OutboxRelay('things', dataSource, writes, bus as unknown as ServiceBus, { pollMs: 20, batchSize: 10, maxBackoffMs: 50, maxDeliveries: 3, parkAfterMs: 0 });
    return { relay, outbox: new Outbox(dataSource, writes, relay) };
  }

  it('relays with one instance of a module at a time: each event once, in order', async () => {
    const bus = new RecordingBus();
    bus.latencyMs = 2; // a Redis round trip, so the two passes overlap
    const a = await instance(bus);
    const b = await instance(bus);
    await open[0].query('CREATE TABLE things (id varchar(36) PRIMARY KEY, size integer NOT NULL)');
    for (const Migration of OUTBOX_MIGRATIONS) await new Migration().up(open[0].createQueryRunner());
    for (let i = 0; i < 60; i++) {
      await a.outbox.transaction(async (tx) => {
        await tx.manager.insert(Thing, { id: `t${i}`, size: i });
        tx.publish(thingsContract, 'thing.made', { id: `t${i}`, size: i });
      });
    }
    a.relay.onApplicationBootstrap();
    b.relay.onApplicationBootstrap();
    try {
      await eventually(async () => expect((await a.relay.backlog()).count).toBe(0));
      const ids = bus.published.map((m) => m.eventId);
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
      expect(bus.published.map((m) => (m.payload as { size: number }).size)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    } finally {
      await a.relay.onModuleDestroy();
      await b.relay.onModuleDestroy();
    }
  });
});
