import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { SpanKind } from '@opentelemetry/api';
import { CleaveError, ServiceUnavailableError } from '@cleave/contracts/kernel/errors';
import { TargetPolicies } from '@cleave/platform/resilience';
import { TransportOptions } from './bus.options';
import { activeTraceparent, busSpanAttributes, endBusSpan, failBusSpan, formatTraceparent, startBusSpan } from '@cleave/platform/tracing';
import { currentCall, currentModule } from '@cleave/platform/context';
import { Envelope, nextMessageId } from './envelope';
import { BusMetrics, Outcome, TransportName } from './bus.metrics';

/** Where the replies of a streamed request (Nest's `send()`) go, value by value. */
export interface ReplySink {
  next(value: unknown): void;
  error(error: CleaveError): void;
  complete(): void;
}

/**
 * What both transports' clients share. Typed clients call `request`/`emitEvent` directly
 * (promises, no Observable per call); Nest's `send`/`emit` work too, through `publish`, with
 * every value of a streamed answer, under the target's resilience policy and a client span.
 */
export abstract class BusClientProxy extends ClientProxy {
  protected abstract readonly transport: TransportName;

  constructor(
    protected readonly options: TransportOptions,
    protected readonly metrics: BusMetrics,
    private readonly policies?: TargetPolicies,
  ) {
    super();
  }

  /**
   * Sends a request to `module` and resolves with its answer or rejects with a CleaveError.
   * `traceparent` is the caller's span (ServiceBus's client span); without one, the active span.
   */
  abstract request(module: string, pattern: string, data: unknown, timeoutMs?: number, traceparent?: string): Promise<unknown>;

  /**
   * Sends a streamed request to `target` (a module, or `@app` for a plain pattern): every
   * value of the answer reaches `sink.next`, then `complete` or `error`; the deadline ends it
   * with a timeout error. Returns the way to stop waiting.
   */
  abstract stream(target: string, pattern: string, data: unknown, sink: ReplySink, timeoutMs: number, traceparent?: string): () => void;

  /**
   * Publishes an event to every subscribing module, as a child of `traceparent` (else the
   * active span). `id` is the event's id when it already has one (an outbox message).
   */
  abstract emitEvent(event: string, data: unknown, traceparent?: string, id?: string): Promise<void>;

  /**
   * Who serves a Nest pattern: a hosted module for `<module>.<name>`, else `@<app>`; a
   * NotFoundError naming the pattern when nobody does (at once, not at the deadline).
   */
  protected abstract targetOf(pattern: string): string | Promise<string>;

  /** The envelope of an outgoing request: a deadline bounded by the caller's own, its trace. */
  protected requestEnvelope(pattern: string, data: unknown, timeoutMs: number | undefined, replyTo?: string, traceparent?: string): Envelope {
    const parent = currentCall();
    let deadline = Date.now() + (timeoutMs ?? this.options.requestTimeoutMs);
    if (parent?.deadline !== undefined && parent.deadline < deadline) deadline = parent.deadline;
    return { id: nextMessageId(), pattern, data, sender: this.options.instanceId, traceparent: traceparent ?? activeTraceparent(), deadline, replyTo };
  }

  protected eventEnvelope(event: string, data: unknown, traceparent?: string, id?: string): Envelope {
    return { id: id ?? nextMessageId(), pattern: event, data, sender: this.options.instanceId, traceparent: traceparent ?? activeTraceparent() };
  }

  protected timeoutError(module: string, pattern: string, envelope: Envelope, started: number): ServiceUnavailableError {
    const waited = Date.now() - started;
    const target = module.replace(/^@/, '');
    return new ServiceUnavailableError(`${target} did not answer ${pattern} within ${waited} ms (is a ${target} instance running?)`, {
      target,
      pattern,
      waitedMs: waited,
    });
  }

  /**
   * Who makes a request, for the call metrics' `caller` label (and the dashboard's module
   * links): the module whose handler or HTTP route is running, read when the request starts.
   * Outside both (a timer, a startup task) it is this process's name.
   */
  protected caller(): string {
    return currentModule() ?? this.options.processName;
  }

  protected record(caller: string, pattern: string, outcome: Outcome, startedHr: number): void {
    this.metrics.observeCall(caller, pattern, this.transport, outcome, (performance.now() - startedHr) / 1000);
  }

  /**
   * Nest's `send()`: patterns normalised as Nest does (sorted-key JSON for objects), values
   * handed on as they arrive. The policy (deadline, retry when declared idempotent, breaker,
   * bulkhead) covers the wait for the first reply: a stream that has begun is never sent again.
   * The returned teardown (unsubscribing) stops the wait.
   */
  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const pattern = this.normalizePattern(packet.pattern);
    const span = startBusSpan(pattern, SpanKind.CLIENT, busSpanAttributes(pattern, undefined, this.transport));
    const traceparent = formatTraceparent(span.spanContext());
    let cancel = (): void => undefined;
    let stopped = false;
    const fail = (error: unknown) => {
      if (stopped) return;
      stopped = true;
      failBusSpan(span, error);
      callback({ err: error, isDisposed: true });
    };
    const run = async () => {
      const target = await this.targetOf(pattern);
      const local = this.transport === 'local';
      const policy = this.policies?.forCall(target.replace(/^@/, ''), pattern, this.options.idempotent?.includes(pattern) ?? false, local);
      let budget = policy?.timeoutMs ?? this.options.requestTimeoutMs;
      const inherited = currentCall()?.deadline;
      if (inherited !== undefined) budget = Math.min(budget, inherited - Date.now());
      let begun = false;
      const attempt = (left: number) =>
        new Promise<void>((resolve, reject) => {
          if (stopped) return resolve();
          cancel = this.stream(target, pattern, packet.data, {
            next: (value) => {
              if (stopped) return;
              begun = true;
              resolve();
              callback({ response: value });
            },
            complete: () => {
              resolve();
              if (stopped) return;
              stopped = true;
              endBusSpan(span);
              callback({ isDisposed: true });
            },
            error: (error) => (begun ? fail(error) : reject(error)),
          }, left, traceparent);
        });
      await (policy ? policy.execute(attempt, budget) : attempt(budget));
    };
    run().catch(fail);
    return () => {
      stopped = true;
      cancel();
    };
  }

  /** Nest's `emit()`: a durable event to every subscribing app or module, with a producer span. */
  protected dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    const event = this.normalizePattern(packet.pattern);
    const span = startBusSpan(`publish ${event}`, SpanKind.PRODUCER, busSpanAttributes(event, undefined, this.transport));
    return this.emitEvent(event, packet.data, formatTraceparent(span.spanContext())).then(
      () => endBusSpan(span) as T,
      (error: unknown) => {
        failBusSpan(span, error);
        throw error;
      },
    );
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}

  unwrap<T>(): T {
    throw new Error(`${this.constructor.name} has no underlying client to unwrap`);
  }
}
