import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ModuleRef } from '@nestjs/core';
import { BUS_OPTIONS, BusOptions } from '../bus/bus.options';
import { RedisConnections } from '../bus/transports/redis/redis.connections';
import { PLATFORM_SETTINGS, PlatformSettings } from '../config/platform.settings';
import { HttpMetricsMiddleware } from '../metrics/http-metrics.middleware';
import { MetricsController } from '../metrics/metrics.controller';
import { Heartbeat } from '../registry/heartbeat.service';
import { InMemoryRegistry } from '../registry/in-memory.registry';
import { RedisRegistry } from '../registry/redis.registry';
import { ServiceRegistry } from '../registry/service-registry';
import { HealthController } from './health.controller';
import { Readiness } from './readiness.service';

/** Expires after three missed heartbeats. */
const MISSED_BEATS = 3;

/**
 * What every process serves and does to be operable: liveness, readiness, metrics, and its
 * entry in the service registry (in memory for one process, in Redis when split).
 */
@Global()
@Module({
  imports: [TerminusModule.forRoot({ errorLogStyle: 'pretty', logger: false })],
  controllers: [HealthController, MetricsController],
  providers: [
    Readiness,
    Heartbeat,
    {
      provide: ServiceRegistry,
      inject: [BUS_OPTIONS, PLATFORM_SETTINGS, ModuleRef],
      useFactory: (bus: BusOptions, settings: PlatformSettings, refs: ModuleRef) =>
        bus.topology.isSingleProcess
          ? new InMemoryRegistry()
          : new RedisRegistry(refs.get(RedisConnections, { strict: false }).command, bus.redisPrefix, settings.heartbeatMs * MISSED_BEATS),
    },
  ],
  exports: [ServiceRegistry, Readiness, Heartbeat],
})
export class HealthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}
