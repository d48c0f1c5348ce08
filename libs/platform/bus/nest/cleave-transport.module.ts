import { DynamicModule, Module } from '@nestjs/common';
import { ClientsModule } from '@nestjs/microservices';
import { CleaveClient } from './cleave.client';
import { CleaveTransportOptions } from './cleave-transport.options';

/**
 * Shorthand for `ClientsModule.register([{ name, customClass: CleaveClient, options }])`:
 * each client injectable with `@Inject(name)` as a ClientProxy.
 */
@Module({})
export class CleaveTransportModule {
  static forClients(...clients: { name: string | symbol; options: CleaveTransportOptions }[]): DynamicModule {
    const registered = ClientsModule.register(clients.map(({ name, options }) => ({ name, customClass: CleaveClient, options })));
    return { module: CleaveTransportModule, imports: [registered], exports: [registered] };
  }
}
