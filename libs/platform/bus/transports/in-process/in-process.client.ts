import { Inject, Injectable, Logger } from '@nestjs/common';
import { CleaveError } from '@cleave/contracts/kernel/errors';
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

  request(module: string, pattern: string, data: unknown, timeoutMs?: number): Promise<unknown> {
    const envelope = this.requestEnvelope(pattern, jsonCopy(data), timeoutMs);
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
          this.record(pattern, 'ok', startedHr);
          resolve(jsonCopy(result));
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
   * failing handler with backoff. Durable across a crash only once it goes through the outbox.
   */
  async emitEvent(event: string, data: unknown): Promise<void> {
    const envelope = this.eventEnvelope(event, data);
    for (const subscriber of this.server.subscribersOf(event)) {
      setImmediate(() => void this.deliver(subscriber, { ...envelope, data: jsonCopy(data) }, 1));
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
