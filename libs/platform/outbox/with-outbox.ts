import { getDataSourceToken } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { ServiceBus } from '@cleave/platform/bus';
import { PLATFORM_SETTINGS, PlatformSettings } from '@cleave/platform/config';
import { ModuleDatabase, WriteQueue } from '@cleave/platform/database';
import { Outbox } from './outbox';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxRelay } from './outbox.relay';
import { OUTBOX_MIGRATIONS } from './outbox.schema';

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
        useFactory: (dataSource: DataSource, writes: WriteQueue, bus: ServiceBus, settings: PlatformSettings) =>
          new OutboxRelay(database.module, dataSource, writes, bus, {
            ...settings.outbox,
            maxDeliveries: settings.bus.eventMaxDeliveries,
            parkAfterMs: settings.bus.eventMaxDeliveries * settings.bus.eventClaimIdleMs,
          }),
        inject: [dataSourceToken, WriteQueue, ServiceBus, PLATFORM_SETTINGS],
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
