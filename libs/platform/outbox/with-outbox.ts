import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { BusSettings, ServiceBus } from '@cleave/platform/bus';
import { ModuleDatabase, WriteQueue } from '@cleave/platform/database';
import { Outbox } from './outbox';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxRelay } from './outbox.relay';
import { OUTBOX_MIGRATIONS } from './outbox.schema';
import { OutboxSettings } from './outbox.settings';
import { ParkedEvents } from './parked-events';

/**
 * A module's database with an outbox: its table and migrations, an `Outbox` to inject and
 * the relay that moves its events to the bus. `DatabaseModule.forModule(withOutbox({...}))`.
 */
export function withOutbox(database: ModuleDatabase): ModuleDatabase {
  const dataSourceToken = getDataSourceToken(database.module);
  return {
    ...database,
    entities: [...(database.entities as Function[]), OutboxMessage],
    migrations: [...(database.migrations as Function[]), ...OUTBOX_MIGRATIONS],
    providers: [
      ...(database.providers ?? []),
      {
        provide: OutboxRelay,
        useFactory: (dataSource: DataSource, writes: WriteQueue, bus: ServiceBus, outbox: OutboxSettings, busSettings: BusSettings) =>
          new OutboxRelay(database.module, dataSource, writes, bus, {
            pollMs: outbox.pollMs,
            idlePollMs: outbox.idlePollMs,
            batchSize: outbox.batchSize,
            maxBackoffMs: outbox.maxBackoffMs,
            maxDeliveries: busSettings.eventMaxDeliveries,
            parkAfterMs: busSettings.eventMaxDeliveries * busSettings.eventClaimIdleMs,
          }),
        inject: [dataSourceToken, WriteQueue, ServiceBus, OutboxSettings, BusSettings],
      },
      {
        provide: ParkedEvents,
        useFactory: (dataSource: DataSource, writes: WriteQueue, relay: OutboxRelay) => new ParkedEvents(database.module, dataSource, writes, relay),
        inject: [dataSourceToken, WriteQueue, OutboxRelay],
      },
      {
        provide: Outbox,
        useFactory: (dataSource: DataSource, writes: WriteQueue, relay: OutboxRelay) => new Outbox(dataSource, writes, relay),
        inject: [dataSourceToken, WriteQueue, OutboxRelay],
      },
    ],
    exports: [...(database.exports ?? []), Outbox],
  };
}
