import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConfigSchema, ConfigSettings, ConfigSources, SettingsError } from '@cleave/platform/config';
import { DatabaseSettings, dataSourceOptions, runMigrationsLocked } from '@cleave/platform/database';
import { JsonLogger, LoggingSettings } from '@cleave/platform/logging';
import { DOMAIN_MODULES, MODULE_NAMES } from './domain-modules';

export const MIGRATE_USAGE = `Usage: npm run migrate [-- <module>...]

Brings each module's database (every module, or those named) up to date, one runner at a
time per database, then exits: 0 done, 1 a migration failed, 2 a usage or settings mistake.
Reads DATABASE_URL_<MODULE> and CLEAVE_DATA_DIR like the processes. In the image:
node dist/apps/migrate/src/main.js. Modules: ${MODULE_NAMES.join(', ')}.`;

/**
 * `npm run migrate`: the migrations alone, before the apps start (a one-shot compose
 * service, a Kubernetes Job), so the apps can run with CLEAVE_MIGRATIONS=skip. Safe to run
 * while processes start: the same lock as theirs keeps it to one runner per database.
 */
export async function runMigrateCli(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('help')) {
    console.log(MIGRATE_USAGE);
    return 0;
  }
  const unknown = argv.filter((name) => !MODULE_NAMES.includes(name));
  if (unknown.length) {
    console.error(`migrate: no module ${unknown.join(', ')}\n\n${MIGRATE_USAGE}`);
    return 2;
  }
  let database: DatabaseSettings;
  let logging: LoggingSettings;
  try {
    const groups = ConfigSchema.of([ConfigSettings, DatabaseSettings, LoggingSettings], MODULE_NAMES).load(ConfigSources.fromProcess().read()).groups;
    database = groups.get(DatabaseSettings) as DatabaseSettings;
    logging = groups.get(LoggingSettings) as LoggingSettings;
  } catch (error) {
    console.error(`migrate cannot start: ${(error as SettingsError).message}`);
    return 2;
  }
  Logger.overrideLogger(JsonLogger.create({ process: 'migrate', instance: `migrate-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}` }, logging));
  const logger = new Logger('Migrate');
  for (const module of argv.length ? argv : MODULE_NAMES) {
    const options = dataSourceOptions({ module, entities: [], migrations: [...DOMAIN_MODULES[module].migrations] }, database);
    const dataSource = new DataSource({ ...options, migrationsRun: false, subscribers: [] });
    try {
      await dataSource.initialize();
      const applied = await runMigrationsLocked(dataSource, module);
      logger.log(`${module} (${options.type}): ${applied.length ? `applied ${applied.map((m) => m.name).join(', ')}` : 'up to date'}`);
    } catch (error) {
      logger.error(`${module}: migrations failed: ${(error as Error).stack ?? String(error)}`);
      return 1;
    } finally {
      if (dataSource.isInitialized) await dataSource.destroy();
    }
  }
  return 0;
}
