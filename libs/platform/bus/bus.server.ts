import { MessageHandler, Server } from '@nestjs/microservices';
import { Attributes, INVALID_TRACEID, Span, SpanKind, trace } from '@opentelemetry/api';
import { isObservable, Observable } from 'rxjs';
import { ErrorData, InternalError, ServiceUnavailableError } from '@cleave/contracts/kernel/errors';
import { BusContext } from './bus.context';
import { refusalData, refusalStatus, toErrorData } from './bus-exception.filter';
import { EventHandlerExtras } from './bus.decorators';
import { Envelope } from './envelope';
import { FaultFailures, injectFailure } from './faults';
import { runInCall } from '@cleave/platform/context';
import { BusMetrics, TransportName } from './bus.metrics';
import { BusAttributes, busSpanAttributes, contextFromTraceparent, endBusSpan, failBusSpan, startBusSpan } from '@cleave/platform/tracing';

export interface Subscription {
  subscriber: string;
  event: string;
  /** The module whose contract declares the event. */
  publisher?: string;
}

/**
 * What both transports' servers share: Nest registers every `@Handles`/`@OnEvent` method
 * here, and the transport hands each message to `handleRequest` / `deliverEvent`, which run
 * Nest's pipeline (pipes, guards, interceptors, filters) inside the message's call context,
 * as a SERVER (request) or CONSUMER (event) span, child of the sender's span.
 */
export abstract class BusServer extends Server {
  protected abstract readonly transport: TransportName;
  /**
   * Who this server is when a handler names no module: the consumer group of a plain
   * `@EventPattern` and the request queue of a plain `@MessagePattern` (the process name in
   * Cleave's host, the `app` option of a CleaveServer).
   */
  protected abstract get app(): string;

  constructor(
    protected readonly metrics: BusMetrics,
    private readonly faultDelays: ReadonlyMap<string, number> = new Map(),
    private readonly faultFailures: FaultFailures = new Map(),
  ) {
    super();
  }

  /**
   * Event handlers are keyed per subscribing module, so each module gets its own delivery. A
   * plain `@EventPattern` names none: its subscriber is the app (every handler of the pattern
   * in this app runs, chained as Nest chains them, and each app gets each event once).
   */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, any> = {}): void {
    if (!isEventHandler) return super.addHandler(pattern, callback, false, extras);
    const subscriber = (extras as Partial<EventHandlerExtras>).subscriber ?? this.app;
    super.addHandler(eventKey(subscriber, this.normalizePattern(pattern as string)), callback, true, extras);
  }

  /** Every (subscribing module, event) pair with a handler in this process, with the event's publisher. */
  subscriptions(): Subscription[] {
    const result: Subscription[] = [];
    for (const [key, handler] of this.messageHandlers) {
      if (!handler.isEventHandler) continue;
      const [subscriber, event] = key.split('\u0000');
      const publisher = (handler.extras as Partial<EventHandlerExtras> | undefined)?.publisher;
      result.push(publisher ? { subscriber, event, publisher } : { subscriber, event });
    }
    return result;
  }

  /** The request patterns with a handler in this process. */
  requestPatterns(): string[] {
    return [...this.messageHandlers].filter(([, h]) => !h.isEventHandler).map(([pattern]) => pattern);
  }

  /**
   * Resolves with the handler's result; rejects with the wire form of a typed error. With
   * `onValue` (a streamed request) every value of an Observable answer goes there, in order,
   * and the promise resolves on completion. An Observable that has not completed by the
   * request's deadline is unsubscribed and fails it: nobody waits for it any more.
   */
  async handleRequest(envelope: Envelope, onValue?: (value: unknown) => void): Promise<unknown> {
    const handler = this.messageHandlers.get(envelope.pattern);
    if (!handler || handler.isEventHandler) {
      this.metrics.countHandled(envelope.pattern, this.transport, 'error');
      throw new InternalError(`No handler for ${envelope.pattern} in this process`).toJSON();
    }
    return this.invoke(handler, envelope, envelope.pattern, this.moduleOf(envelope.pattern), SpanKind.SERVER, onValue);
  }

  /** The module a pattern belongs to: `<module>.<name>` of a contract, else the app. */
  private moduleOf(pattern: string): string {
    const dot = pattern.indexOf('.');
    return dot > 0 && !pattern.startsWith('{') ? pattern.slice(0, dot) : this.app;
  }

  /** Resolves once `subscriber`'s handler has processed the event; rejects if it failed. */
  async deliverEvent(subscriber: string, envelope: Envelope): Promise<void> {
    const key = eventKey(subscriber, envelope.pattern);
    const handler = this.messageHandlers.get(key);
    if (!handler) throw new InternalError(`${subscriber} has no handler for event ${envelope.pattern}`).toJSON();
    await this.invoke(handler, envelope, key, subscriber, SpanKind.CONSUMER);
  }

  /** The fixed span attributes of each handler, built once: keyed like messageHandlers. */
  private readonly spanAttributes = new Map<string, Attributes>();

  private invoke(handler: MessageHandler, envelope: Envelope, key: string, module: string, kind: SpanKind, onValue?: (value: unknown) => void): Promise<unknown> {
    const context = new BusContext(envelope, this.transport);
    let attributes = this.spanAttributes.get(key);
    if (!attributes) this.spanAttributes.set(key, (attributes = busSpanAttributes(envelope.pattern, module, this.transport)));
    const parent = contextFromTraceparent(envelope.traceparent);
    const span = startBusSpan(kind === SpanKind.CONSUMER ? `process ${envelope.pattern}` : envelope.pattern, kind, attributes, parent);
    // Events are deduplicated on their id: worth finding in a trace.
    if (kind === SpanKind.CONSUMER) span.setAttribute(BusAttributes.messageId, envelope.id);
    const call = { messageId: envelope.id, deadline: envelope.deadline, traceparent: envelope.traceparent, module };
    // One scope: the call context and the span as the active OpenTelemetry context (with no
    // SDK and no incoming trace the span is the invalid no-op one: nothing to carry).
    const active = span.spanContext().traceId === INVALID_TRACEID ? parent : trace.setSpan(parent, span);
    return runInCall(call, () => this.run(handler, envelope, context, span, kind === SpanKind.CONSUMER ? module : undefined, onValue), active);
  }

  /** `subscriber`: the module an event is delivered to (undefined for a request). */
  private async run(handler: MessageHandler, envelope: Envelope, context: BusContext, span: Span, subscriber?: string, onValue?: (value: unknown) => void): Promise<unknown> {
    const started = subscriber === undefined ? 0 : performance.now();
    try {
      const delay = this.faultDelays.get(envelope.pattern);
      if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
      if (this.faultFailures.size) injectFailure(this.faultFailures, envelope.pattern, envelope.data);
      let result = await handler(envelope.data, context);
      if (isObservable(result)) result = await untilDeadline(result, envelope, onValue);
      else if (onValue) {
        if (result !== undefined) onValue(result);
        result = undefined;
      }
      this.metrics.countHandled(envelope.pattern, this.transport, 'ok');
      if (subscriber !== undefined) this.metrics.observeEvent(subscriber, envelope.pattern, this.transport, 'ok', (performance.now() - started) / 1000);
      endBusSpan(span);
      return result;
    } catch (error) {
      this.metrics.countHandled(envelope.pattern, this.transport, 'error');
      if (subscriber !== undefined) this.metrics.observeEvent(subscriber, envelope.pattern, this.transport, 'error', (performance.now() - started) / 1000);
      const data = asErrorData(error);
      failBusSpan(span, data);
      throw data;
    }
  }

  on(): never {
    throw new Error(`${this.constructor.name} emits no events`);
  }

  unwrap<T>(): T {
    throw new Error(`${this.constructor.name} has no underlying client to unwrap`);
  }
}

/**
 * The last value of a handler's Observable (Nest wraps every answer in one), or with
 * `onValue` each value as it comes; bounded by the request's deadline, so a stream that
 * never completes cannot hold a slot of this instance for ever.
 */
function untilDeadline(result: Observable<unknown>, envelope: Envelope, onValue?: (value: unknown) => void): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let last: unknown;
    let timer: NodeJS.Timeout | undefined;
    const subscription = result.subscribe({
      next: (value) => (onValue ? onValue(value) : (last = value)),
      error: (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
      complete: () => {
        clearTimeout(timer);
        resolve(onValue ? undefined : last);
      },
    });
    if (subscription.closed || envelope.deadline === undefined) return;
    timer = setTimeout(() => {
      subscription.unsubscribe();
      reject(new ServiceUnavailableError(`${envelope.pattern} did not complete before its deadline`, { pattern: envelope.pattern }));
    }, Math.max(0, envelope.deadline - Date.now()));
  });
}

function eventKey(subscriber: string, event: string): string {
  return `${subscriber}\u0000${event}`;
}

/** The filter already produced wire data; anything else (a handler without the filter) is mapped here. */
function asErrorData(error: unknown): ErrorData {
  if (typeof error === 'object' && error !== null && typeof (error as ErrorData).code === 'string' && typeof (error as ErrorData).status === 'number') {
    return error as ErrorData;
  }
  return nestRpcErrorData(error) ?? toErrorData(error);
}

/** What Nest's default RPC filter answers for anything but an RpcException. */
const NEST_UNKNOWN_ERROR = 'Internal server error';

/**
 * A plain Nest handler (no BusExceptionFilter) fails through Nest's default RPC filter, which
 * turns an RpcException into its error (`{ status: 'error', message }` for a string, else the
 * object given) and anything else into "Internal server error". A refusal keeps its status:
 * the one it names, 403 for a guard's "Forbidden resource", else 400.
 */
function nestRpcErrorData(error: unknown): ErrorData | undefined {
  if (typeof error !== 'object' || error === null || error instanceof Error) return undefined;
  const { status, statusCode, message } = error as { status?: unknown; statusCode?: unknown; message?: unknown };
  if (typeof message !== 'string' && !Array.isArray(message)) return undefined;
  const text = Array.isArray(message) ? message.join('; ') : message;
  if (status === 'error' && text === NEST_UNKNOWN_ERROR) return new InternalError().toJSON();
  const code = refusalStatus(typeof status === 'number' ? status : statusCode, text, status === 'error' ? 400 : undefined);
  return code === undefined ? undefined : refusalData(code, text);
}
