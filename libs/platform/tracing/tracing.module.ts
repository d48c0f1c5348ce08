import { DynamicModule, Global, MiddlewareConsumer, Module, NestModule, RequestMethod } from '@nestjs/common';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { RedisConnections } from '@cleave/platform/redis';
import { HttpTracingMiddleware } from './http-tracing.middleware';
import { MemorySpanStore } from './memory-span-store';
import { RedisSpanStore } from './redis-span-store';
import { SPAN_STORE, SpanStore } from './span-store';
import { TracingService } from './tracing.service';
import { TracingSettings } from './tracing.settings';

/**
 * Tracing of one process: the SDK (TracingService), a span per HTTP request (middleware on
 * every route), and the span store `GET /traces` reads: in memory when the topology is one
 * process, in Redis (shared by every process) when it has several; none when spans are
 * exported over OTLP. Needs the process identity and, split, RedisModule.
 */
@Global()
@Module({})
export class TracingModule implements NestModule {
  /** `settings`: given by a test; a process's come from its configuration (SettingsModule). */
  static forRoot(settings?: TracingSettings): DynamicModule {
    const store = {
      provide: SPAN_STORE,
      inject: [TracingSettings, PROCESS_IDENTITY, { token: RedisConnections, optional: true }],
      useFactory: (settings: TracingSettings, bus: ProcessIdentity, redis?: RedisConnections): SpanStore | null => {
        if (!settings.enabled || settings.otlpEndpoint) return null;
        const origin = { process: bus.processName, instance: bus.instanceId };
        if (bus.topology.isSingleProcess) return new MemorySpanStore(origin, settings.store);
        if (!redis) throw new Error('A topology with several processes keeps its spans in Redis, but this process has no Redis connection (RedisModule)');
        return new RedisSpanStore(redis.command, redis.keys, origin, settings.store);
      },
    };
    const own = settings ? [{ provide: TracingSettings, useValue: settings }] : [];
    return { module: TracingModule, providers: [...own, store, TracingService], exports: [SPAN_STORE] };
  }

  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpTracingMiddleware).forRoutes({ path: '{*path}', method: RequestMethod.ALL });
  }
}
