import { Inject, Injectable, Optional } from '@nestjs/common';
import { AnyContract, ClientOf, EventName, PayloadOf, requestPattern } from '@cleave/contracts/kernel/contract';
import { TargetPolicies } from '../resilience/target-policies';
import { BusClientProxy } from './bus.client-proxy';
import { currentCall } from './call-context';
import { BUS_OPTIONS, BusOptions } from './bus.options';
import { InProcessClient } from './transports/in-process/in-process.client';
import { RedisClient } from './transports/redis/redis.client';

/**
 * The one door to other modules. Routing follows the topology: a module hosted by this
 * process is called in-process, any other over Redis; the calling code is the same. Every
 * call runs under its target's resilience policy (deadline, retry when idempotent, circuit
 * breaker, bulkhead), so domain code never handles any of that.
 */
@Injectable()
export class ServiceBus {
  constructor(
    @Inject(BUS_OPTIONS) private readonly options: BusOptions,
    private readonly local: InProcessClient,
    private readonly policies: TargetPolicies,
    @Optional() private readonly remote?: RedisClient,
  ) {}

  /** A typed client of a contract; the transport is chosen once, here. */
  client<C extends AnyContract>(contract: C): ClientOf<C> {
    const module = contract.module;
    const transport = this.transportFor(module);
    const client: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(contract.requests)) {
      const pattern = requestPattern(contract, name);
      const policy = this.policies.forCall(module, name, spec.idempotent);
      const defaultTimeout = policy.timeoutMs ?? this.options.requestTimeoutMs;
      client[name] = (request: unknown, options?: { timeoutMs?: number }) => {
        // One budget for the whole call, retries included, never beyond the caller's own deadline.
        let budget = options?.timeoutMs ?? defaultTimeout;
        const inherited = currentCall()?.deadline;
        if (inherited !== undefined) budget = Math.min(budget, inherited - Date.now());
        return policy.execute((left) => transport.request(module, pattern, request, left), budget);
      };
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
