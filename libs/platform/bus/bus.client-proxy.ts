import { ClientProxy, ReadPacket, WritePacket } from '@nestjs/microservices';
import { CleaveError, ServiceUnavailableError } from '@cleave/contracts/kernel/errors';
import { BusOptions } from './bus.options';
import { activeTraceparent } from '@cleave/platform/tracing';
import { currentCall, currentModule } from '@cleave/platform/context';
import { Envelope, nextMessageId } from './envelope';
import { BusMetrics, Outcome, TransportName } from './bus.metrics';

/**
 * What both transports' clients share. Typed clients call `request`/`emitEvent` directly
 * (promises, no Observable per call); Nest's `send`/`emit` work too, through `publish`.
 */
export abstract class BusClientProxy extends ClientProxy {
  protected abstract readonly transport: TransportName;

  constructor(
    protected readonly options: BusOptions,
    protected readonly metrics: BusMetrics,
  ) {
    super();
  }

  /**
   * Sends a request to `module` and resolves with its answer or rejects with a CleaveError.
   * `traceparent` is the caller's span (ServiceBus's client span); without one, the active span.
   */
  abstract request(module: string, pattern: string, data: unknown, timeoutMs?: number, traceparent?: string): Promise<unknown>;

  /**
   * Publishes an event to every subscribing module, as a child of `traceparent` (else the
   * active span). `id` is the event's id when it already has one (an outbox message).
   */
  abstract emitEvent(event: string, data: unknown, traceparent?: string, id?: string): Promise<void>;

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
    return new ServiceUnavailableError(`${module} did not answer ${pattern} within ${waited} ms (is a ${module} instance running?)`, {
      target: module,
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

  protected publish(packet: ReadPacket, callback: (packet: WritePacket) => void): () => void {
    const pattern = this.normalizePattern(packet.pattern);
    this.request(pattern.slice(0, pattern.indexOf('.')), pattern, packet.data).then(
      (response) => callback({ response, isDisposed: true }),
      (err: CleaveError) => callback({ err: err.toJSON?.() ?? err, isDisposed: true }),
    );
    return () => undefined;
  }

  protected dispatchEvent<T = unknown>(packet: ReadPacket): Promise<T> {
    return this.emitEvent(this.normalizePattern(packet.pattern), packet.data) as Promise<T>;
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}

  unwrap<T>(): T {
    throw new Error(`${this.constructor.name} has no underlying client to unwrap`);
  }
}
