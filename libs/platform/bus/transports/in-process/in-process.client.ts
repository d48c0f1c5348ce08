import { Inject, Injectable, Optional } from '@nestjs/common';
import { CleaveError, InternalError, NotFoundError } from '@cleave/contracts/kernel/errors';
import { TargetPolicies } from '@cleave/platform/resilience';
import { EventHandlersFailedError } from '../../event-handlers-failed.error';
import { failureText } from '../../bus-exception.filter';
import { BusClientProxy, ReplySink } from '../../bus.client-proxy';
import { BUS_OPTIONS, BusOptions } from '../../bus.options';
import { BusMetrics } from '../../bus.metrics';
import { Envelope, jsonCopy } from '../../envelope';
import { InProcessServer } from './in-process.server';

/**
 * Calls handlers of this process directly: no Redis, no sockets. Requests and answers are
 * copied through JSON, exactly what a Redis hop does to them, so code that works here works
 * split. Deadlines apply as they do remotely.
 */
@Injectable()
export class InProcessClient extends BusClientProxy {
  protected readonly transport = 'local' as const;

  constructor(
    @Inject(BUS_OPTIONS) options: BusOptions,
    metrics: BusMetrics,
    private readonly server: InProcessServer,
    @Optional() policies?: TargetPolicies,
  ) {
    super(options, metrics, policies);
  }

  /** Only this process's handlers are in reach: any other pattern fails at once. */
  protected targetOf(pattern: string): string {
    if (!this.server.serves(pattern)) throw new NotFoundError(`No handler in this process serves the pattern ${pattern}`, { pattern });
    return this.options.processName;
  }

  stream(target: string, pattern: string, data: unknown, sink: ReplySink, timeoutMs: number, traceparent?: string): () => void {
    let copy: unknown;
    try {
      copy = jsonCopy(data);
    } catch (error) {
      sink.error(new InternalError(`The request ${pattern} could not be serialised: ${(error as Error).message}`));
      return () => undefined;
    }
    const envelope: Envelope = { ...this.requestEnvelope(pattern, copy, timeoutMs, undefined, traceparent), stream: true };
    const started = Date.now();
    const startedHr = performance.now();
    const caller = this.caller();
    let open = true;
    const end = (outcome: 'ok' | 'error' | 'timeout') => {
      open = false;
      clearTimeout(timer);
      this.record(caller, pattern, outcome, startedHr);
    };
    const remaining = envelope.deadline! - started;
    const timer = setTimeout(() => {
      if (!open) return;
      end('timeout');
      sink.error(this.timeoutError(target, pattern, envelope, started));
    }, remaining > 0 ? remaining : 0);
    this.server
      .handleRequest(envelope, (value) => {
        if (!open) return;
        try {
          sink.next(jsonCopy(value));
        } catch (error) {
          end('error');
          sink.error(new InternalError(`The answer to ${pattern} could not be serialised: ${(error as Error).message}`));
        }
      })
      .then(
        () => {
          if (!open) return;
          end('ok');
          sink.complete();
        },
        (error) => {
          if (!open) return;
          end('error');
          sink.error(CleaveError.fromJSON(error));
        },
      );
    return () => {
      if (open) end('ok');
    };
  }

  request(module: string, pattern: string, data: unknown, timeoutMs?: number, traceparent?: string): Promise<unknown> {
    let copy: unknown;
    try {
      copy = jsonCopy(data);
    } catch (error) {
      return Promise.reject(new InternalError(`The request ${pattern} could not be serialised: ${(error as Error).message}`));
    }
    const envelope = this.requestEnvelope(pattern, copy, timeoutMs, undefined, traceparent);
    const started = Date.now();
    const startedHr = performance.now();
    const caller = this.caller();
    return new Promise((resolve, reject) => {
      const remaining = envelope.deadline! - started;
      const timer = setTimeout(() => {
        this.record(caller, pattern, 'timeout', startedHr);
        reject(this.timeoutError(module, pattern, envelope, started));
      }, remaining > 0 ? remaining : 0);
      this.server.handleRequest(envelope).then(
        (result) => {
          clearTimeout(timer);
          try {
            resolve(jsonCopy(result));
            this.record(caller, pattern, 'ok', startedHr);
          } catch (error) {
            this.record(caller, pattern, 'error', startedHr);
            reject(new InternalError(`The answer to ${pattern} could not be serialised: ${(error as Error).message}`));
          }
        },
        (error) => {
          clearTimeout(timer);
          this.record(caller, pattern, 'error', startedHr);
          reject(CleaveError.fromJSON(error));
        },
      );
    });
  }

  /**
   * Hands the event to each local subscriber and resolves once every one has handled it;
   * rejects (after all have run) when any failed, naming them. The outbox relay retries and
   * deletes the event only after this resolves, so a crash loses nothing; a retry reaches
   * subscribers that already succeeded again, which deduplicate on the event id.
   */
  async emitEvent(event: string, data: unknown, traceparent?: string, id?: string): Promise<void> {
    const envelope = this.eventEnvelope(event, data, traceparent, id);
    // Serialised here, once, so a payload that is not JSON fails the publisher.
    const json = data === undefined ? undefined : JSON.stringify(data);
    const subscribers = this.server.subscribersOf(event);
    const outcomes = await Promise.allSettled(
      subscribers.map((subscriber) => this.server.deliverEvent(subscriber, { ...envelope, data: json === undefined ? undefined : JSON.parse(json) })),
    );
    const failed = outcomes.flatMap((outcome, i) => (outcome.status === 'rejected' ? [{ subscriber: subscribers[i], error: failureText(outcome.reason) }] : []));
    if (failed.length > 0) throw EventHandlersFailedError.of(event, envelope.id, failed);
  }
}
