import { Inject, Injectable, Logger } from '@nestjs/common';
import { CleaveError, InternalError } from '@cleave/contracts/kernel/errors';
import { BusClientProxy } from '../../bus.client-proxy';
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
  private readonly logger = new Logger('InProcessBus');

  constructor(
    @Inject(BUS_OPTIONS) options: BusOptions,
    metrics: BusMetrics,
    private readonly server: InProcessServer,
  ) {
    super(options, metrics);
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
    return new Promise((resolve, reject) => {
      const remaining = envelope.deadline! - started;
      const timer = setTimeout(() => {
        this.record(pattern, 'timeout', startedHr);
        reject(this.timeoutError(module, pattern, envelope, started));
      }, remaining > 0 ? remaining : 0);
      this.server.handleRequest(envelope).then(
        (result) => {
          clearTimeout(timer);
          try {
            resolve(jsonCopy(result));
            this.record(pattern, 'ok', startedHr);
          } catch (error) {
            this.record(pattern, 'error', startedHr);
            reject(new InternalError(`The answer to ${pattern} could not be serialised: ${(error as Error).message}`));
          }
        },
        (error) => {
          clearTimeout(timer);
          this.record(pattern, 'error', startedHr);
          reject(CleaveError.fromJSON(error));
        },
      );
    });
  }

  /**
   * Hands the event to each local subscriber after the current call returns, retrying a
   * failing handler with backoff. Held in memory: a crash or restart of the process loses
   * events not yet handled (a transactional outbox is what makes them durable).
   */
  async emitEvent(event: string, data: unknown, traceparent?: string): Promise<void> {
    const envelope = this.eventEnvelope(event, data, traceparent);
    // Serialised here, once, so a payload that is not JSON fails the publisher, not a timer.
    const json = data === undefined ? undefined : JSON.stringify(data);
    for (const subscriber of this.server.subscribersOf(event)) {
      setImmediate(() => void this.deliver(subscriber, { ...envelope, data: json === undefined ? undefined : JSON.parse(json) }, 1));
    }
  }

  private async deliver(subscriber: string, envelope: Envelope, attempt: number): Promise<void> {
    try {
      await this.server.deliverEvent(subscriber, envelope);
    } catch (error) {
      const reason = CleaveError.fromJSON(error).message;
      if (attempt >= this.options.eventMaxDeliveries) {
        this.logger.error(`${subscriber} failed ${envelope.pattern} ${envelope.id} ${attempt} times, giving up: ${reason}`);
        return;
      }
      const backoff = Math.min(30_000, 100 * 2 ** attempt) * (0.5 + Math.random() / 2);
      this.logger.warn(`${subscriber} failed ${envelope.pattern} ${envelope.id} (attempt ${attempt}), retrying in ${Math.round(backoff)} ms: ${reason}`);
      setTimeout(() => void this.deliver(subscriber, envelope, attempt + 1), backoff).unref();
    }
  }
}
