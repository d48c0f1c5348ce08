import { CustomTransportStrategy } from '@nestjs/microservices';
import { RedisConnections } from '@cleave/platform/redis';
import { BusMetrics } from '../bus.metrics';
import { RedisServer } from '../transports/redis/redis.server';
import { CleaveTransportOptions, resolveTransportOptions } from './cleave-transport.options';

/**
 * Cleave's Redis transport as the server strategy of any Nest app:
 * `app.connectMicroservice({ strategy: new CleaveServer({ app: 'math', url }) })`. Plain
 * `@MessagePattern`s are load-balanced over the app's instances, `@EventPattern`s are
 * durable per app; the same machinery as Cleave's own processes (RedisServer), with its own
 * Redis connections instead of Cleave's DI.
 */
export class CleaveServer extends RedisServer implements CustomTransportStrategy {
  private readonly connections: RedisConnections;

  constructor(options: CleaveTransportOptions) {
    const resolved = resolveTransportOptions(options);
    const connections = new RedisConnections(resolved.redis);
    super(resolved.transport, new BusMetrics(), connections);
    this.connections = connections;
  }

  /** Drains what it took, then closes its connections. */
  override async close(): Promise<void> {
    await super.close();
    await this.connections.onApplicationShutdown();
  }
}
