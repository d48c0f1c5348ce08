import { DynamicModule, Global, Module, Provider } from '@nestjs/common';
import { AnyContract } from '@cleave/contracts/kernel/contract';
import { onSettingsChange } from '@cleave/platform/config';
import { ResilienceSettings, TargetPolicies } from '@cleave/platform/resilience';
import { BUS_OPTIONS, BusOptions } from './bus.options';
import { BusMetrics } from './bus.metrics';
import { ServiceBus } from './service-bus';
import { InProcessClient } from './transports/in-process/in-process.client';
import { InProcessServer } from './transports/in-process/in-process.server';
import { RedisClient } from './transports/redis/redis.client';
import { RedisServer } from './transports/redis/redis.server';
import { DeadLetterStore } from './dead-letters/dead-letter-store';
import { RedisDeadLetters } from './dead-letters/redis-dead-letters';
import { RedisConnections } from '@cleave/platform/redis';

/** A client class made with `clientFor(contract)`, whatever its contract. */
type ClientToken = (abstract new () => unknown) & { readonly contract: AnyContract };

@Global()
@Module({})
export class BusModule {
  /**
   * The bus of this process, once per process. The Redis transport exists only when the
   * topology has more than one process: a monolith opens no socket to anything.
   */
  static forRoot(options: BusOptions): DynamicModule {
    const redis: Provider[] = options.topology.isSingleProcess
      ? []
      : [RedisServer, RedisClient, { provide: DeadLetterStore, useFactory: (redis: RedisConnections) => new RedisDeadLetters(redis), inject: [RedisConnections] }];
    const providers: Provider[] = [
      { provide: BUS_OPTIONS, useValue: options },
      {
        provide: TargetPolicies,
        inject: [{ token: ResilienceSettings, optional: true }],
        // The policies follow config/resilience.json while the process runs, when it has a configuration.
        useFactory: (settings?: ResilienceSettings) => {
          const policies = new TargetPolicies(options.resilience);
          if (settings) onSettingsChange(settings, (current) => policies.reconfigure(current.policies));
          return policies;
        },
      },
      BusMetrics,
      InProcessServer,
      InProcessClient,
      ServiceBus,
      ...redis,
    ];
    return { module: BusModule, providers, exports: providers };
  }

  /** The typed clients a module calls, e.g. `BusModule.forClients(CatalogClient)`. */
  static forClients(...clients: ClientToken[]): DynamicModule {
    const providers: Provider[] = clients.map((client) => ({
      provide: client,
      useFactory: (bus: ServiceBus) => bus.client(client.contract),
      inject: [ServiceBus],
    }));
    return { module: BusClientsModule, providers, exports: providers };
  }
}

@Module({})
class BusClientsModule {}
