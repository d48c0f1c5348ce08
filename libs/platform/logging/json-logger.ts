import { LoggerService, LogLevel } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import pino, { DestinationStream, Level, Logger as Pino } from 'pino';
import { currentModule } from '@cleave/platform/context';
import { onSettingsChange } from '@cleave/platform/config';
import { LEVELS, LoggingSettings } from './logging.settings';

/**
 * One logger for every process: JSON lines on stdout (pino), no colours, no pretty printing.
 * Every line names the process and instance; a line logged while handling an HTTP request or
 * a bus message also carries the trace and span ids and the module doing the work:
 *
 *   {"level":"info","time":"…","process":"orders","instance":"orders-…","trace_id":"…",
 *    "span_id":"…","module":"orders","context":"Orders","msg":"…"}
 */

export interface LogOrigin {
  process: string;
  instance: string;
}

/** Trace, span and module of the work being done, read from the active context on each line. */
function traceFields(): Record<string, string> {
  const fields: Record<string, string> = {};
  const active = context.active();
  const span = trace.getSpan(active);
  if (span) {
    const { traceId, spanId } = span.spanContext();
    fields.trace_id = traceId;
    fields.span_id = spanId;
  }
  const module = currentModule();
  if (module) fields.module = module;
  return fields;
}

export function createPino(origin: LogOrigin, settings: Pick<LoggingSettings, 'level'>, destination: DestinationStream = pino.destination({ dest: 1, sync: true })): Pino {
  return pino(
    {
      level: settings.level,
      base: { process: origin.process, instance: origin.instance },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
    },
    destination,
  );
}

const NEST_TO_PINO: Record<LogLevel, Level> = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

let processLogger: JsonLogger | undefined;

/**
 * Whether the process's logger writes `level`: check it before building a costly message.
 * Before a process logger exists, debug and trace are taken as off.
 */
export function logLevelEnabled(level: Level): boolean {
  return processLogger ? processLogger.pino.isLevelEnabled(level) : LEVELS.indexOf(level) <= LEVELS.indexOf('info');
}

/** Nest's LoggerService over pino: what `new Logger('Orders').log(...)` writes through, everywhere. */
export class JsonLogger implements LoggerService {
  constructor(readonly pino: Pino) {}

  static create(origin: LogOrigin, settings: Pick<LoggingSettings, 'level'>, destination?: DestinationStream): JsonLogger {
    return new JsonLogger(createPino(origin, settings, destination));
  }

  /**
   * The logger of this process (the one `logLevelEnabled` asks), to hand to NestFactory.
   * LOG_LEVEL is live: the logger follows a reload.
   */
  static forProcess(origin: LogOrigin, settings: LoggingSettings): JsonLogger {
    const logger = (processLogger = JsonLogger.create(origin, settings));
    onSettingsChange(settings, (current) => (logger.pino.level = current.level));
    return logger;
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('info', message, params);
  }

  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }

  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }

  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }

  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest's level list, mapped to pino's threshold: the most verbose level listed. */
  setLogLevels(levels: LogLevel[]): void {
    const enabled = levels.map((l) => NEST_TO_PINO[l]).filter(Boolean);
    this.pino.level = enabled.length ? LEVELS[Math.max(...enabled.map((l) => LEVELS.indexOf(l)))] : 'silent';
  }

  /**
   * Nest calls `(message, context)`, and for errors `(message, stack, context)` with the stack
   * possibly undefined. Nothing is formatted for a level that is off.
   */
  private write(level: Level, message: unknown, params: unknown[]): void {
    if (!this.pino.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    let rest = params;
    const last = rest[rest.length - 1];
    if (typeof last === 'string' && !(level === 'error' && rest.length === 1 && isStack(last))) {
      fields.context = last;
      rest = rest.slice(0, -1);
    }
    const extra: unknown[] = [];
    for (const param of rest) {
      if (param === undefined) continue;
      if (typeof param === 'string' && isStack(param)) fields.stack = param;
      else if (param instanceof Error) fields.err = param;
      else extra.push(param);
    }
    if (extra.length) fields.params = extra;
    if (message instanceof Error) {
      fields.err = message;
      this.pino[level](fields, message.message);
    } else if (typeof message === 'string') {
      this.pino[level](fields, message);
    } else {
      fields.data = message;
      this.pino[level](fields);
    }
  }
}

function isStack(text: string): boolean {
  return text.includes('\n    at ');
}
