import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { context, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { CallContextManager, MODULE_KEY, runInCall } from '@cleave/platform/context';
import { SettingsError } from '@cleave/platform/config';
import { JsonLogger } from './json-logger';
import { LoggingSettings } from './logging.settings';

function capture(level: 'info' | 'debug' = 'info') {
  const lines: Record<string, unknown>[] = [];
  const logger = JsonLogger.create(
    { process: 'orders', instance: 'orders-1' },
    { level },
    new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
        done();
      },
    }),
  );
  return { logger, lines };
}

const spanContext = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: 1 };

describe('JsonLogger', () => {
  beforeAll(() => context.setGlobalContextManager(new CallContextManager()));
  afterAll(() => context.disable());

  it('writes one JSON line with level, time, process, instance and the Nest context', () => {
    const { logger, lines } = capture();
    logger.log('hello', 'Orders');
    expect(lines).toEqual([{ level: 'info', time: expect.any(String), process: 'orders', instance: 'orders-1', context: 'Orders', msg: 'hello' }]);
    expect(lines[0]).not.toHaveProperty('trace_id');
  });

  it('adds trace id, span id and module inside a request or handler', () => {
    const { logger, lines } = capture();
    const active = trace.setSpanContext(ROOT_CONTEXT, spanContext);
    context.with(active, () => runInCall({ messageId: 'm-1', module: 'catalog' }, () => logger.warn('in a handler', 'Stock')));
    context.with(active.setValue(MODULE_KEY, 'gateway'), () => logger.log('in a request'));
    expect(lines[0]).toMatchObject({ level: 'warn', trace_id: spanContext.traceId, span_id: spanContext.spanId, module: 'catalog', context: 'Stock', msg: 'in a handler' });
    expect(lines[1]).toMatchObject({ trace_id: spanContext.traceId, module: 'gateway', msg: 'in a request' });
  });

  it('reads Nest’s error arguments: message, stack, context', () => {
    const { logger, lines } = capture();
    const stack = 'Error: boom\n    at somewhere (file.ts:1:1)';
    logger.error('failed', stack, 'Orders');
    logger.error('failed again', undefined, 'Orders');
    logger.error(new Error('thrown'));
    expect(lines[0]).toMatchObject({ level: 'error', msg: 'failed', stack, context: 'Orders' });
    expect(lines[1]).toMatchObject({ msg: 'failed again', context: 'Orders' });
    expect(lines[2]).toMatchObject({ msg: 'thrown', err: expect.objectContaining({ message: 'thrown', type: 'Error' }) });
  });

  it('writes nothing, and formats nothing, below its level', () => {
    const { logger, lines } = capture('info');
    logger.debug('hidden');
    logger.verbose({ expensive: true });
    expect(lines).toEqual([]);
    const debug = capture('debug');
    debug.logger.debug('shown', 'Http');
    expect(debug.lines[0]).toMatchObject({ level: 'debug', msg: 'shown', context: 'Http' });
  });

  it('serves Nest’s own Logger once installed', () => {
    const { logger, lines } = capture();
    Logger.overrideLogger(logger);
    new Logger('Catalog').log('through Nest');
    Logger.overrideLogger(false);
    expect(lines[0]).toMatchObject({ context: 'Catalog', msg: 'through Nest' });
  });

  it('reads LOG_LEVEL', () => {
    expect(LoggingSettings.from({}).level).toBe('info');
    expect(LoggingSettings.from({ LOG_LEVEL: 'DEBUG' }).level).toBe('debug');
    expect(() => LoggingSettings.from({ LOG_LEVEL: 'loud' })).toThrow(SettingsError);
    expect(() => LoggingSettings.from({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, got "loud"');
  });
});
