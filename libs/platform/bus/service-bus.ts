import { Inject, Injectable, Optional } from '@nestjs/common';
import { AnyContract, ClientOf, EventName, PayloadOf, requestPattern } from '@cleave/contracts/kernel/contract';
import { BusClientProxy } from './bus.client-proxy';
import { BUS_OPTIONS, BusOptions } from './bus.options';
import { InProcessClient } from './transports/in-process/in-process.client';
import { RedisClient } from './transports/redis/redis.client';

/**
 * The one door to other modules. Routing follows the topology: a module hosted by this
 * process is called in-process, any other over Redis; the calling code is the same.
 */
@Injectable()
export class ServiceBus {
  constructor(
    @Inject(BUS_OPTIONS) private readonly options: BusOptions,
    private readonly local: InProcessClient,
    @Optional() private readonly remote?: RedisClient,
  ) {}

  /** A typed client of a contract; the transport is chosen once, here. */
  client<C extends AnyContract>(contract: C): ClientOf<C> {
    const module = contract.module;
    const transport = this.transportFor(module);
    const client: Record<string, unknown> = {};
    for (const name of Object.keys(contract.requests)) {
      const pattern = requestPattern(contract, name);
      client[name] = (request: unknown, options?: { timeoutMs?: number }) => transport.request(module, pattern, request, options?.timeoutMs);
    }
    return Object.freeze(client) as ClientOf<C>;
  }

  /**
   * Publishes one of the contract's events to every subscribing module: in-process when the
   * whole system is one process, through Redis streams otherwise (a subscriber may live in
   * any process, or start later).
   */
  publish<C extends AnyContract, K extends EventName<C>>(contract: C, event: K, payload: PayloadOf<C['events'][K]>): Promise<void> {
    if (!(event in contract.events)) throw new Error(`${contract.module} declares no event "${event}"`);
    return (this.options.topology.isSingleProcess ? this.local : this.redisClient()).emitEvent(event, payload);
  }

  private transportFor(module: string): BusClientProxy {
    const host = this.options.topology.hostOfModule(module);
    return host === this.options.processName ? this.local : this.redisClient();
  }

  private redisClient(): RedisClient {
    if (!this.remote) throw new Error('The Redis transport is not configured in this process');
    return this.remote;
  }
}
