import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { defineContract, event, request } from '@cleave/contracts/kernel/contract';
import { EventHandlersFailedError, RecordedEvent, ServiceBus } from '@cleave/platform/bus';
import { WriteQueue } from '@cleave/platform/database';
import { eventually } from '../../../test/support/eventually';
import { OUTBOX_MIGRATIONS } from './outbox.schema';
import { OutboxMessage } from './outbox-message.entity';
import { Outbox } from './outbox';
import { OutboxRelay } from './outbox.relay';
import { OutboxDeadLetters } from './outbox-dead-letters';
import { ParkedEvents } from './parked-events';

const contract = defineContract('things', { requests: { noop: request<void, void>() }, events: { 'thing.made': event<{ id: string }>() } });

/** In one process the bus hands an event to every subscriber; "audit" fails the poison one. */
class OneProcessBus {
  readonly published: RecordedEvent[] = [];
  poison?: string;

  async publishRecorded(message: RecordedEvent): Promise<void> {
    if ((message.payload as { id: string }).id === this.poison) {
      throw EventHandlersFailedError.of(message.event, message.eventId, [{ subscriber: 'audit', error: 'INTERNAL: cannot audit it' }]);
    }
    this.published.push(message);
  }
}

describe('dead letters in one process: events parked in the module outboxes', () => {
  let dataSource: DataSource;
  let bus: OneProcessBus;
  let relay: OutboxRelay;
  let parked: ParkedEvents;
  let outbox: Outbox;
  const store = new OutboxDeadLetters();
  const admin = { by: 'spec' };

  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
  });

  beforeEach(async () => {
    dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [OutboxMessage], migrations: OUTBOX_MIGRATIONS, migrationsRun: true });
    await dataSource.initialize();
    bus = new OneProcessBus();
    const writes = new WriteQueue(dataSource);
    relay = new OutboxRelay('things', dataSource, writes, bus as unknown as ServiceBus, { pollMs: 20, batchSize: 10, maxBackoffMs: 20, maxDeliveries: 2, parkAfterMs: 0 });
    parked = new ParkedEvents('things', dataSource, writes, relay);
    outbox = new Outbox(dataSource, writes, relay);
    relay.onApplicationBootstrap();
    parked.onApplicationBootstrap();
  });

  afterEach(async () => {
    parked.onModuleDestroy();
    await relay.onModuleDestroy();
    await dataSource.destroy();
  });

  const publish = (id: string) => outbox.transaction(async (tx) => tx.publish(contract, 'thing.made', { id }));

  it('shows a parked event with its failing subscriber and error, replays it once fixed, drops another with a log record', async () => {
    bus.poison = 'bad';
    await publish('bad');
    await publish('good');
    await eventually(async () => expect(await store.summary()).toHaveLength(1));
    expect(bus.published.map((m) => (m.payload as { id: string }).id)).toEqual(['good']);
    const [summary] = await store.summary();
    expect(summary).toMatchObject({ event: 'thing.made', count: 1, groups: { audit: 1 }, oldest: { group: 'audit', firstError: expect.stringContaining('audit: INTERNAL: cannot audit it') } });
    const [letter] = await store.list('thing.made', { limit: 10 });
    expect(letter).toMatchObject({ id: summary.oldest.id, group: 'audit', deliveries: 2, data: { id: 'bad' } });
    expect(await store.get('thing.made', letter.id)).toEqual(letter);
    expect(await store.get('thing.other', letter.id)).toBeUndefined();

    bus.poison = undefined;
    expect(await store.replay('thing.made', letter.id, admin)).toMatchObject({ id: letter.id, eventId: letter.eventId });
    await eventually(() => expect(bus.published.map((m) => (m.payload as { id: string }).id)).toEqual(['good', 'bad']));
    expect(bus.published[1].eventId).toBe(letter.eventId);
    expect(await store.summary()).toEqual([]);
    expect(await store.replay('thing.made', letter.id, admin)).toBeUndefined();

    bus.poison = 'worse';
    await publish('worse');
    await eventually(async () => expect(await store.list('thing.made', { limit: 10 })).toHaveLength(1));
    const warn = jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    try {
      expect(await store.dropAll('thing.made', admin)).toHaveLength(1);
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(/Dropped parked thing\.made .*asked by spec: .*"worse"/));
    } finally {
      warn.mockRestore();
    }
    expect(await dataSource.getRepository(OutboxMessage).count()).toBe(0);
  });
});
