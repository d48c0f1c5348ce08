import { z } from 'zod';
import { defineSettings, setting } from '@cleave/platform/config';

const POSTGRES = /^postgres(ql)?:\/\//;

/** Where each module's data lives: its own PostgreSQL database, or a SQLite file. */
export class DatabaseSettings extends defineSettings('database', 'Databases', {
  migrations: setting.oneOf('CLEAVE_MIGRATIONS', ['run', 'skip'], {
    default: 'run',
    doc: '`run`: a process brings its modules\' databases up to date at start (one runner at a time per database); `skip`: it leaves that to `npm run migrate` (a one-shot job before the apps)',
  }),
  dataDir: setting.string('CLEAVE_DATA_DIR', { default: 'data', doc: 'where the SQLite files of modules without a database URL live' }),
  urls: setting.family(
    'DATABASE_URL_',
    'MODULE',
    z.string().refine((url) => POSTGRES.test(url), { error: 'must be a postgres:// URL' }),
    {
      secret: 'url',
      defaultDoc: 'unset: SQLite `<CLEAVE_DATA_DIR>/<module>.sqlite`',
      doc: 'PostgreSQL for that module, e.g. `DATABASE_URL_ORDERS`',
    },
  ),
}) {}
