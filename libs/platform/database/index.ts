// A module's own database (SQLite file or PostgreSQL), its migrations and write helpers.
export { dataSourceOptions, DatabaseModule, ModuleDatabase } from './database.module';
export { DatabaseSettings } from './database.settings';
export { isUniqueViolation } from './unique-violation';
export { WriteQueue } from './write-queue';
export { runMigrationsLocked } from './migration-lock';
export { LeanSql } from './lean-sql';
