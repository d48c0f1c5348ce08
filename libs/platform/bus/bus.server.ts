import { MessageHandler, Server } from '@nestjs/microservices';
import { isObservable, lastValueFrom } from 'rxjs';
import { ErrorData, InternalError } from '@cleave/contracts/kernel/errors';
import { BusContext } from './bus.context';
import { toErrorData } from './bus-exception.filter';
import { EventHandlerExtras } from './bus.decorators';
import { Envelope } from './envelope';
import { runInCall } from './call-context';
import { BusMetrics, TransportName } from './bus.metrics';

export interface Subscription {
  subscriber: string;
  event: string;
}

/**
 * What both transports' servers share: Nest registers every `@Handles`/`@OnEvent` method
 * here, and the transport hands each message to `handleRequest` / `deliverEvent`, which run
 * Nest's pipeline (pipes, guards, interceptors, filters) inside the message's call context.
 */
export abstract class BusServer extends Server {
  protected abstract readonly transport: TransportName;

  constructor(
    protected readonly metrics: BusMetrics,
    private readonly faultDelays: ReadonlyMap<string, number> = new Map(),
  ) {
    super();
  }

  /** Event handlers are keyed per subscribing module, so each module gets its own delivery. */
  override addHandler(pattern: unknown, callback: MessageHandler, isEventHandler = false, extras: Record<string, any> = {}): void {
    if (!isEventHandler) return super.addHandler(pattern, callback, false, extras);
    const subscriber = (extras as Partial<EventHandlerExtras>).subscriber;
    if (!subscriber) throw new Error(`event handler for "${String(pattern)}" names no subscribing module: declare it with @OnEvent`);
    super.addHandler(eventKey(subscriber, this.normalizePattern(pattern as string)), callback, true, extras);
  }

  /** Every (subscribing module, event) pair with a handler in this process. */
  subscriptions(): Subscription[] {
    const result: Subscription[] = [];
    for (const [key, handler] of this.messageHandlers) {
      if (!handler.isEventHandler) continue;
      const [subscriber, event] = key.split('\u0000');
      result.push({ subscriber, event });
    }
    return result;
  }

  /** The request patterns with a handler in this process. */
  requestPatterns(): string[] {
    return [...this.messageHandlers].filter(([, h]) => !h.isEventHandler).map(([pattern]) => pattern);
  }

  /** Resolves with the handler's result; rejects with the wire form of a typed error. */
  async handleRequest(envelope: Envelope): Promise<unknown> {
    const handler = this.messageHandlers.get(envelope.pattern);
    if (!handler || handler.isEventHandler) {
      this.metrics.countHandled(envelope.pattern, this.transport, 'error');
      throw new InternalError(`No handler for ${envelope.pattern} in this process`).toJSON();
    }
    return this.invoke(handler, envelope);
  }

  /** Resolves once `subscriber`'s handler has processed the event; rejects if it failed. */
  async deliverEvent(subscriber: string, envelope: Envelope): Promise<void> {
    const handler = this.messageHandlers.get(eventKey(subscriber, envelope.pattern));
    if (!handler) throw new InternalError(`${subscriber} has no handler for event ${envelope.pattern}`).toJSON();
    await this.invoke(handler, envelope);
  }

  private invoke(handler: MessageHandler, envelope: Envelope): Promise<unknown> {
    const context = new BusContext(envelope, this.transport);
    return runInCall({ messageId: envelope.id, deadline: envelope.deadline, traceparent: envelope.traceparent }, async () => {
      try {
        const delay = this.faultDelays.get(envelope.pattern);
        if (delay) await new Promise((resolve) => setTimeout(resolve, delay));
        let result = await handler(envelope.data, context);
        if (isObservable(result)) result = await lastValueFrom(result, { defaultValue: undefined });
        this.metrics.countHandled(envelope.pattern, this.transport, 'ok');
        return result;
      } catch (error) {
        this.metrics.countHandled(envelope.pattern, this.transport, 'error');
        throw asErrorData(error);
      }
    });
  }

  on(): never {
    throw new Error(`${this.constructor.name} emits no events`);
  }

  unwrap<T>(): T {
    throw new Error(`${this.constructor.name} has no underlying client to unwrap`);
  }
}

function eventKey(subscriber: string, event: string): string {
  return `${subscriber}\u0000${event}`;
}

/** The filter already produced wire data; anything else (a handler without the filter) is mapped here. */
function asErrorData(error: unknown): ErrorData {
  if (typeof error === 'object' && error !== null && typeof (error as ErrorData).code === 'string' && typeof (error as ErrorData).status === 'number') {
    return error as ErrorData;
  }
  return toErrorData(error);
}
