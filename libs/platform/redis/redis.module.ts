import { DynamicModule, Global, Module } from '@nestjs/common';
import { RedisConnections } from './redis.connections';
import { REDIS_OPTIONS, RedisConnectionOptions } from './redis.options';

/**
 * The process's Redis connections, for every lib that keeps something in Redis (bus, span
 * store, read cache, registry). Imported only by a process of a split topology: a monolith
 * opens no socket to anything, and the libs fall back to memory where RedisConnections is absent.
 */
@Global()
@Module({})
export class RedisModule {
  static forRoot(settings: RedisConnectionOptions): DynamicModule {
    const providers = [{ provide: REDIS_OPTIONS, useValue: settings }, RedisConnections];
    return { module: RedisModule, providers, exports: providers };
  }
}
