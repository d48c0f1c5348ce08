import { RedisConnections } from '@cleave/platform/redis';
import { DEFAULT_RESILIENCE, TargetPolicies } from '@cleave/platform/resilience';
import { BusMetrics } from '../bus.metrics';
import { RedisClient } from '../transports/redis/redis.client';
import { CleaveTransportOptions, resolveTransportOptions } from './cleave-transport.options';

/**
 * Cleave's Redis transport as a Nest ClientProxy, made the Nest way:
 * `ClientsModule.register([{ name: 'MATH', customClass: CleaveClient, options }])` or
 * `ClientProxyFactory.create({ customClass: CleaveClient, options })`. `send()` reaches one
 * instance of the app serving the pattern and emits every value of its answer; `emit()`
 * appends a durable event. Deadlines, retries of `idempotent` patterns, breakers and
 * bulkheads (`resilience`) and client spans apply as to Cleave's typed clients.
 */
export class CleaveClient extends RedisClient {
  private readonly connections: RedisConnections;

  constructor(options: CleaveTransportOptions) {
    const resolved = resolveTransportOptions(options);
    const connections = new RedisConnections(resolved.redis);
    super(resolved.transport, new BusMetrics(), connections, new TargetPolicies(options.resilience ?? DEFAULT_RESILIENCE));
    this.connections = connections;
  }

  /** Fails what still waits (now, not at its deadline), then closes its connections. */
  override async close(): Promise<void> {
    await super.close();
    await this.connections.onApplicationShutdown();
  }
}
