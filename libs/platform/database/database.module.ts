import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DynamicModule, Module, Provider } from '@nestjs/common';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { DataSource, DataSourceOptions, MixedList } from 'typeorm';
import { DatabaseSettings } from './database.settings';
import { WriteQueue } from './write-queue';
import { QueryTracingSubscriber } from '@cleave/platform/tracing';
import { runMigrationsLocked } from './migration-lock';

export interface ModuleDatabase {
  /** The owning module; also the DataSource name, used with `@InjectRepository(Entity, module)`. */
  module: string;
  entities: MixedList<Function>;
  migrations: MixedList<Function>;
  /** More providers on this database (an outbox, say: see withOutbox), and which of them to export. */
  providers?: Provider[];
  exports?: Array<Provider | string | symbol | Function>;
}

/**
 * A module's own database: PostgreSQL when `DATABASE_URL_<MODULE>` is set, else a SQLite
 * file `<CLEAVE_DATA_DIR>/<module>.sqlite`. Migrations run on start (one runner at a time per
 * database), or beforehand by `npm run migrate` with `CLEAVE_MIGRATIONS=skip`; schemas are
 * never synchronised from entities, so what runs in production is what the tests ran.
 */
@Module({})
export class DatabaseModule {
  static forModule(database: ModuleDatabase): DynamicModule {
    const dataSourceToken = getDataSourceToken(database.module);
    const features = TypeOrmModule.forFeature(database.entities as Function[], database.module);
    const writeQueue = {
      provide: WriteQueue,
      useFactory: (dataSource: DataSource) => new WriteQueue(dataSource),
      inject: [dataSourceToken],
    };
    return {
      module: DatabaseModule,
      imports: [
        TypeOrmModule.forRootAsync({
          name: database.module,
          inject: [DatabaseSettings],
          useFactory: (settings: DatabaseSettings) => dataSourceOptions(database, settings),
          // TypeORM's own migrationsRun would not wait for another runner: the run is ours, locked.
          dataSourceFactory: async (options) => {
            const dataSource = await new DataSource({ ...options!, migrationsRun: false }).initialize();
            if (options!.migrationsRun) await runMigrationsLocked(dataSource, database.module);
            return dataSource;
          },
        }),
        features,
      ],
      providers: [writeQueue, ...(database.providers ?? [])],
      exports: [features, writeQueue, ...(database.exports ?? [])],
    };
  }
}

export function dataSourceOptions(database: ModuleDatabase, settings: Pick<DatabaseSettings, 'urls' | 'dataDir'> & Partial<Pick<DatabaseSettings, 'migrations'>>): DataSourceOptions {
  const common = {
    name: database.module,
    entities: database.entities,
    migrations: database.migrations,
    // Run at start (one runner at a time: runMigrationsLocked) unless `npm run migrate` does it.
    migrationsRun: (settings.migrations ?? 'run') === 'run',
    migrationsTableName: `${database.module}_migrations`,
    synchronize: false,
    // A span per query, under the handler's span (no span for queries outside a trace).
    subscribers: [QueryTracingSubscriber],
  };
  const url = settings.urls[database.module];
  if (url) return { ...common, type: 'postgres', url };
  mkdirSync(settings.dataDir, { recursive: true });
  return {
    ...common,
    type: 'better-sqlite3',
    database: join(settings.dataDir, `${database.module}.sqlite`),
    // WAL: readers don't wait for the writer; the busy timeout rides out short write locks.
    prepareDatabase: (db: { pragma(sql: string): unknown }) => {
      db.pragma('journal_mode = WAL');
      db.pragma('busy_timeout = 5000');
    },
  };
}
