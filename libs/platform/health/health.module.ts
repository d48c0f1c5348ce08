import { Global, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ModuleRef } from '@nestjs/core';
import { HttpMetricsMiddleware, MetricsController } from '@cleave/platform/metrics';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { RedisConnections } from '@cleave/platform/redis';
import { HealthSettings } from './health.settings';
import { Heartbeat } from './registry/heartbeat.service';
import { InMemoryRegistry } from './registry/in-memory.registry';
import { RedisRegistry } from './registry/redis.registry';
import { ServiceRegistry } from './registry/service-registry';
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
      inject: [PROCESS_IDENTITY, HealthSettings, ModuleRef],
      useFactory: (identity: ProcessIdentity, settings: HealthSettings, refs: ModuleRef) =>
        identity.topology.isSingleProcess
          ? new InMemoryRegistry()
          : redisRegistry(refs.get(RedisConnections, { strict: false }), settings.heartbeatMs * MISSED_BEATS),
    },
  ],
  exports: [ServiceRegistry, Readiness, Heartbeat],
})
export class HealthModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HttpMetricsMiddleware).forRoutes('*path');
  }
}

function redisRegistry(redis: RedisConnections, ttlMs: number): RedisRegistry {
  return new RedisRegistry(redis.command, redis.keys, ttlMs);
}
