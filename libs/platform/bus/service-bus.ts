import { EventEmitter } from 'node:events';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { CleaveError } from '@cleave/contracts/kernel/errors';
import { Attributes, Context, SpanKind } from '@opentelemetry/api';
import { AnyContract, BroadcastName, CallOptions, ClientOf, EventName, PayloadOf, requestPattern } from '@cleave/contracts/kernel/contract';
import { TargetPolicies } from '@cleave/platform/resilience';
import { busSpanAttributes, contextFromTraceparent, endBusSpan, failBusSpan, formatTraceparent, startBusSpan } from '@cleave/platform/tracing';
import { jsonCopy } from './envelope';
import { DEVELOPMENT_SEAL_KEY, Sealer } from './sealing';
import { BusClientProxy } from './bus.client-proxy';
import { currentCall } from '@cleave/platform/context';
import { BUS_OPTIONS, BusOptions } from './bus.options';
import { InProcessClient } from './transports/in-process/in-process.client';
import { RedisClient } from './transports/redis/redis.client';

/**
 * The one door to other modules. Routing follows the topology: a module hosted by this
 * process is called in-process, any other over Redis; the calling code is the same. Every
 * call runs under its target's resilience policy (deadline, retry when idempotent, circuit
 * breaker, bulkhead), so domain code never handles any of that. Every call and publish is a
 * CLIENT/PRODUCER span whose context travels in the envelope to the handler's span.
 */
@Injectable()
export class ServiceBus {
  constructor(
    @Inject(BUS_OPTIONS) private readonly options: BusOptions,
    private readonly local: InProcessClient,
    private readonly policies: TargetPolicies,
    @Optional() private readonly remote?: RedisClient,
  ) {}

  private readonly called = new Set<string>();
  private sealer?: Sealer;
  private readonly localBroadcasts = new EventEmitter().setMaxListeners(0);
  /** The fixed attributes of each event's producer span, built once. */
  private readonly eventAttributes = new Map<string, Attributes>();

  /** A typed client of a contract; the transport is chosen once, here. */
  client<C extends AnyContract>(contract: C): ClientOf<C> {
    const module = contract.module;
    this.called.add(module);
    const transport = this.transportFor(module);
    const transportName = transport === this.local ? 'local' : 'redis';
    const client: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(contract.requests)) {
      const pattern = requestPattern(contract, name);
      const policy = this.policies.forCall(module, name, spec.idempotent, transport === this.local);
      const attributes = busSpanAttributes(pattern, module, transportName);
      // Secrets are sealed only where they would rest in Redis; in-process they stay as they are.
      const sealed = transport !== this.local && spec.sealed?.length ? spec.sealed : undefined;
      const sealer = sealed ? (this.sealer ??= new Sealer(this.options.sealKey ?? DEVELOPMENT_SEAL_KEY)) : undefined;
      client[name] = (given: unknown, options?: CallOptions) => {
        const request = sealer ? sealer.sealFields(given, sealed!, pattern) : given;
        // One budget for the whole call, retries included, never beyond the caller's own deadline.
        let budget = options?.timeoutMs ?? policy.timeoutMs ?? this.options.requestTimeoutMs;
        const inherited = currentCall()?.deadline;
        if (inherited !== undefined) budget = Math.min(budget, inherited - Date.now());
        // One span for the whole call, retries included; the handler's span is its child.
        const span = startBusSpan(pattern, SpanKind.CLIENT, attributes);
        const traceparent = formatTraceparent(span.spanContext());
        let call = policy.execute((left) => transport.request(module, pattern, request, left, traceparent), budget);
        // An unsampled (or no-op) span has nothing to record: no extra promise for it.
        if (span.isRecording()) {
          call = call.then(
            (result) => {
              endBusSpan(span);
              return result;
            },
            (error: unknown) => {
              failBusSpan(span, error);
              throw error;
            },
          );
        }
        // A fallback stands in for a failing target, never for one of its answers.
        const fallback = options?.fallback;
        if (!fallback) return call;
        return call.catch((error: unknown) => {
          if (isTargetFailure(error)) return fallback(error as Error);
          throw error;
        });
      };
    }
    return Object.freeze(client) as ClientOf<C>;
  }

  /**
   * Publishes one of the contract's events to every subscribing module: in-process when the
   * whole system is one process, through Redis streams otherwise (a subscriber may live in
   * any process, or start later). Domain code publishes through its Outbox instead, so that
   * an event leaves only with the change that caused it.
   */
  publish<C extends AnyContract, K extends EventName<C>>(contract: C, event: K, payload: PayloadOf<C['events'][K]>): Promise<void> {
    if (!(event in contract.events)) throw new Error(`${contract.module} declares no event "${event}"`);
    return this.emit(event, payload);
  }

  /**
   * Publishes an event recorded earlier (by an outbox) under its own id, as a child of the
   * trace that recorded it: consumers deduplicate a re-sent event, and its spans join the
   * change that caused it.
   */
  publishRecorded(message: RecordedEvent): Promise<void> {
    return this.emit(message.event, message.payload, message.eventId, contextFromTraceparent(message.traceparent ?? undefined));
  }

  private emit(event: string, payload: unknown, id?: string, parent?: Context): Promise<void> {
    const local = this.options.topology.isSingleProcess;
    const transport = local ? this.local : this.redisClient();
    let attributes = this.eventAttributes.get(event);
    // A producer span has no single target: each subscriber's consumer span names its own.
    if (!attributes) this.eventAttributes.set(event, (attributes = busSpanAttributes(event, undefined, local ? 'local' : 'redis')));
    const span = startBusSpan(`publish ${event}`, SpanKind.PRODUCER, attributes, parent);
    return transport.emitEvent(event, payload, formatTraceparent(span.spanContext()), id).then(
      () => endBusSpan(span),
      (error: unknown) => {
        failBusSpan(span, error);
        throw error;
      },
    );
  }

  /** Sends a contract's broadcast to every process listening now (at most once, not stored). */
  broadcast<C extends AnyContract, K extends BroadcastName<C>>(contract: C, name: K, payload: PayloadOf<C['broadcasts'][K]>): Promise<void> {
    if (!(name in contract.broadcasts)) throw new Error(`${contract.module} declares no broadcast "${name}"`);
    if (this.options.topology.isSingleProcess) {
      this.localBroadcasts.emit(name, jsonCopy(payload));
      return Promise.resolve();
    }
    return this.redisClient().broadcast(name, payload);
  }

  /** Listens to a contract's broadcast in this process; returns the way to stop. */
  onBroadcast<C extends AnyContract, K extends BroadcastName<C>>(contract: C, name: K, listener: (payload: PayloadOf<C['broadcasts'][K]>) => void): () => void {
    if (!(name in contract.broadcasts)) throw new Error(`${contract.module} declares no broadcast "${name}"`);
    if (this.options.topology.isSingleProcess) {
      this.localBroadcasts.on(name, listener);
      return () => void this.localBroadcasts.off(name, listener);
    }
    return this.redisClient().onBroadcast(name, listener as (payload: unknown) => void);
  }

  /** The modules this process has clients of: what its readiness depends on. */
  targets(): string[] {
    return [...this.called];
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

/** An event as an outbox stored it. */
export interface RecordedEvent {
  eventId: string;
  event: string;
  payload: unknown;
  traceparent?: string | null;
}

function isTargetFailure(error: unknown): boolean {
  return error instanceof CleaveError && error.status === 503;
}
