import { Level } from 'pino';
import { defineSettings, setting } from '@cleave/platform/config';

export const LEVELS: readonly Level[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'];

/** How much a process logs. */
export class LoggingSettings extends defineSettings('logging', 'Logging', {
  level: setting.oneOf('LOG_LEVEL', LEVELS, {
    default: 'info',
    caseInsensitive: true,
    live: true,
    doc: 'fatal, error, warn, info, debug (adds a line per HTTP request) or trace',
  }),
}) {}
