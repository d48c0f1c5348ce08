import { Inject, Injectable, Logger } from '@nestjs/common';
import { BusServer } from '../../bus.server';
import { BUS_OPTIONS, TransportOptions } from '../../bus.options';
import { BusMetrics } from '../../bus.metrics';
import { BadRequestError, InternalError } from '@cleave/contracts/kernel/errors';
import { decodeMessage, Envelope, Reply } from '../../envelope';
import { DEVELOPMENT_SEAL_KEY, Sealer } from '../../sealing';
import { parseFaultDelays, parseFaultFailures } from '../../faults';
import { RedisConnections, RedisConnection } from '@cleave/platform/redis';
import { RedisEventConsumer } from './redis-event.consumer';
import { RouteTable } from '../../routing/route-table';

/**
 * Serves this instance's share of the modules it hosts. Requests: a list per module, popped
 * in batches by whichever instance is free (competing consumers: each request is handled by
 * exactly one instance), with at most `maxInFlight` handlers running so a flood queues in
 * Redis rather than in this process's memory. Events: one consumer group per subscribing
 * module (see RedisEventConsumer).
 */
/** Longest a reader blocks before it looks again (and notices a shutdown). */
const BLOCK_SECONDS = 0.5;

@Injectable()
export class RedisServer extends BusServer {
  protected readonly transport = 'redis' as const;
  private readonly log = new Logger('RedisBus');
  private running = false;
  private inFlight = 0;
  /** Request readers waiting for a free handler slot. */
  private readonly waitingReaders = new Set<() => void>();
  private whenIdle?: () => void;
  private readonly requestLoops: Promise<void>[] = [];
  private readers: RedisConnection[] = [];
  private consumers: RedisEventConsumer[] = [];

  private sealer?: Sealer;

  constructor(
    @Inject(BUS_OPTIONS) private readonly options: TransportOptions,
    metrics: BusMetrics,
    private readonly redis: RedisConnections,
  ) {
    super(metrics, parseFaultDelays(options.faultDelays), parseFaultFailures(options.faultFailures));
  }

  protected get app(): string {
    return this.options.processName;
  }

  /**
   * Requests: a queue per hosted module with handlers here, and one for the app when it has
   * plain Nest patterns (routed to it through the RouteTable, registered here first).
   */
  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      this.running = true;
      const hosted = this.options.topology?.process(this.options.processName).modules ?? [];
      const patterns = this.requestPatterns();
      const ofModule = (p: string) => hosted.some((m) => p.startsWith(`${m}.`));
      const queues = hosted.filter((m) => patterns.some((p) => p.startsWith(`${m}.`))).map((m) => this.redis.keys.requests(m));
      const plain = patterns.filter((p) => !ofModule(p));
      if (plain.length) {
        await new RouteTable(this.redis.command, this.redis.keys.routes()).register(this.app, plain);
        queues.push(this.redis.keys.appRequests(this.app));
      }
      // One reader per group of queues a single BLMPOP may take (all of them on one server;
      // on a cluster, a module's queue is its own slot, so a reader each).
      for (const group of this.redis.sameSlotGroups(queues)) this.requestLoops.push(this.consumeRequests(group));

      const bySubscriber = new Map<string, string[]>();
      for (const { subscriber, event } of this.subscriptions()) bySubscriber.set(subscriber, [...(bySubscriber.get(subscriber) ?? []), event]);
      for (const [subscriber, events] of bySubscriber) {
        // As with requests: one XREADGROUP takes only streams of one slot on a cluster.
        for (const streams of this.redis.sameSlotGroups(events.map((e) => this.redis.keys.events(e)))) {
          const group = events.filter((e) => streams.includes(this.redis.keys.events(e)));
          const reader = this.reader(`events:${subscriber}`);
          const consumer = new RedisEventConsumer(subscriber, group, this, reader, this.redis, this.options);
          this.consumers.push(consumer);
          await consumer.start();
          this.metrics.reportLag(() => consumer.lag());
          this.metrics.reportDeadLetters(() => consumer.deadLetterCounts());
        }
      }
      callback();
    } catch (error) {
      callback(error);
    }
  }

  private async consumeRequests(queues: string[]): Promise<void> {
    const reader = this.reader(queues.length === 1 ? `requests:${queues[0]}` : 'requests');
    let turn = 0;
    let failures = 0;
    while (this.running) {
      if (this.inFlight >= this.options.maxInFlight) {
        await new Promise<void>((resolve) => this.waitingReaders.add(resolve));
        continue;
      }
      // Rotate the key order: BLMPOP takes from the first non-empty list only.
      const keys = queues.length > 1 ? [...queues.slice(turn % queues.length), ...queues.slice(0, turn % queues.length)] : queues;
      turn++;
      const count = Math.min(this.options.batchSize, this.options.maxInFlight - this.inFlight);
      let popped: [string, string[]] | null;
      try {
        // A short block: on shutdown the loop notices within it, and nothing popped is cut off.
        popped = (await reader.blmpop(BLOCK_SECONDS, keys.length, ...keys, 'RIGHT', 'COUNT', count)) as [string, string[]] | null;
        failures = 0;
      } catch (error) {
        if (!this.running) break;
        this.log.error(`Reading requests failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** failures++, 2000)));
        continue;
      }
      if (popped) for (const raw of popped[1]) this.start(raw);
    }
  }

  private start(raw: string): void {
    const envelope = decodeMessage<Envelope>(raw, 'request', this.log);
    if (!envelope) return;
    if (envelope.deadline !== undefined && envelope.deadline <= Date.now()) {
      // Nobody waits for this answer any more: doing the work late would only do harm.
      this.metrics.countExpired(envelope.pattern);
      return;
    }
    this.inFlight++;
    const handled = this.openSealed(envelope).then(() =>
      envelope.stream
        ? this.handleRequest(envelope, (next) => this.reply(envelope, { id: envelope.id, next })).then(() => this.reply(envelope, { id: envelope.id, done: true }))
        : this.handleRequest(envelope).then((data) => this.reply(envelope, { id: envelope.id, data })),
    );
    handled
      .catch((error) => this.reply(envelope, { id: envelope.id, error }))
      .finally(() => {
        this.inFlight--;
        this.wakeReaders();
        if (this.inFlight === 0) this.whenIdle?.();
      });
  }

  /** Secret fields arrive sealed (see sealing.ts); a field that will not open fails the request, not the process. */
  private async openSealed(envelope: Envelope): Promise<void> {
    this.sealer ??= new Sealer(this.options.sealKey ?? DEVELOPMENT_SEAL_KEY);
    try {
      envelope.data = this.sealer.openFields(envelope.data, envelope.pattern);
    } catch (error) {
      this.log.error((error as Error).message);
      throw new BadRequestError((error as Error).message).toJSON();
    }
  }

  private wakeReaders(): void {
    const waiting = [...this.waitingReaders];
    this.waitingReaders.clear();
    for (const wake of waiting) wake();
  }

  private reply(envelope: Envelope, reply: Reply): void {
    if (!envelope.replyTo) return;
    let message: string;
    try {
      message = JSON.stringify(reply);
    } catch (error) {
      this.log.error(`The answer to ${envelope.pattern} ${envelope.id} is not JSON: ${(error as Error).message}`);
      message = JSON.stringify({ id: envelope.id, error: new InternalError(`The answer to ${envelope.pattern} could not be serialised`).toJSON() });
    }
    this.redis.command.publish(envelope.replyTo, message).catch((error: Error) => {
      this.log.error(`Could not answer ${envelope.pattern} ${envelope.id}: ${error.message}`);
    });
  }

  private reader(role: string): RedisConnection {
    const reader = this.redis.dedicated(role);
    this.readers.push(reader);
    return reader;
  }

  /**
   * A graceful stop: take no more work, let the readers' short blocks end (so nothing
   * already popped is cut off), let what was taken finish and answer, all before Nest closes
   * the Redis and database connections. Bounded by the request timeout.
   */
  async close(): Promise<void> {
    this.running = false;
    this.wakeReaders();
    for (const consumer of this.consumers) consumer.stop();
    const drained = Promise.all([
      ...this.requestLoops,
      this.inFlight === 0 ? undefined : new Promise<void>((resolve) => (this.whenIdle = resolve)),
      ...this.consumers.map((c) => c.drained()),
    ]);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), this.options.requestTimeoutMs + 1000)));
    if ((await Promise.race([drained, limit])) === 'timeout') this.log.warn(`Stopped with ${this.inFlight} requests still running`);
    clearTimeout(timer);
    for (const reader of this.readers) reader.disconnect();
  }
}
