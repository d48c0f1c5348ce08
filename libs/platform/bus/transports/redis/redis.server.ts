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
/**
 * Longest a reader blocks before it looks again. Long, because an idle instance's only work
 * is this loop (at 0.5 s, a split system's readers woke Redis and themselves 12 times a
 * second); a stop does not wait for it: it pushes to the reader's wake key.
 */
export const BLOCK_SECONDS = 5;
/** A wake key the reader never popped (it was not blocked at the stop) goes away by itself. */
const WAKE_TTL_MS = 10_000;

/** What a drain did: for the log line of a stop, and the figures of a rolling restart. */
export interface DrainReport {
  /** Requests and events that were being handled when the instance stopped taking work, all finished. */
  requests: number;
  events: number;
  /** Requests taken from a queue after the stop, pushed back for another instance. */
  handedBack: number;
  /** Handlers still running when the bound ran out. */
  unfinished: number;
  ms: number;
}

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
  /** Each request reader's wake key (RedisKeys.wake), pushed to when the instance stops. */
  private readonly wakeKeys: string[] = [];
  private readers: RedisConnection[] = [];
  private consumers: RedisEventConsumer[] = [];
  private handedBack = 0;
  private drained?: Promise<DrainReport>;

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
    const wake = this.redis.keys.wake(queues[0], this.options.instanceId);
    this.wakeKeys.push(wake);
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
        // Ended by a request, the block's end, or a stop's push to `wake` (never by cutting the
        // connection: a batch popped as it closed would be lost).
        popped = (await reader.blmpop(BLOCK_SECONDS, keys.length + 1, wake, ...keys, 'RIGHT', 'COUNT', count)) as [string, string[]] | null;
        failures = 0;
      } catch (error) {
        if (!this.running) break;
        this.log.error(`Reading requests failed: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, Math.min(100 * 2 ** failures++, 2000)));
        continue;
      }
      if (!popped || popped[0] === wake) continue;
      // Taken while the stop began: not started here, so back to the head of its queue.
      if (!this.running) await this.handBack(popped[0], popped[1]);
      else for (const raw of popped[1]) this.start(raw);
    }
  }

  /** Pushes requests back where the next pop (from the right) takes them first, in their order. */
  private async handBack(queue: string, raws: string[]): Promise<void> {
    try {
      await this.redis.command.rpush(queue, ...[...raws].reverse());
      this.handedBack += raws.length;
    } catch (error) {
      // Redis refused them back: handle them here rather than drop them.
      this.log.error(`Could not hand back ${raws.length} request(s) to ${queue}: ${(error as Error).message}; handling them here`);
      for (const raw of raws) this.start(raw);
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
   * A graceful stop, the bus's part of a drain: take no more work (the readers' blocks are
   * woken, a request popped meanwhile is handed back to its queue), let what was taken finish,
   * answer and acknowledge, all before the databases and Redis close. Bounded by
   * `boundMs` (default: the request timeout); idempotent.
   */
  drain(boundMs = this.options.requestTimeoutMs + 1000): Promise<DrainReport> {
    return (this.drained ??= this.stopTaking(boundMs));
  }

  private async stopTaking(boundMs: number): Promise<DrainReport> {
    const started = performance.now();
    const requests = this.inFlight;
    const events = this.consumers.reduce((sum, c) => sum + c.inFlight, 0);
    this.running = false;
    this.wakeReaders();
    this.wakeBlockedReaders();
    for (const consumer of this.consumers) consumer.stop();
    const drained = Promise.all([
      ...this.requestLoops,
      this.inFlight === 0 ? undefined : new Promise<void>((resolve) => (this.whenIdle = resolve)),
      ...this.consumers.map((c) => c.drained()),
    ]);
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), boundMs)));
    const outcome = await Promise.race([drained, limit]);
    clearTimeout(timer);
    const unfinished = outcome === 'timeout' ? this.inFlight + this.consumers.reduce((sum, c) => sum + c.inFlight, 0) : 0;
    if (unfinished) this.log.warn(`Stopped with ${unfinished} handler(s) still running`);
    for (const reader of this.readers) reader.disconnect();
    return { requests, events, handedBack: this.handedBack, unfinished, ms: Math.round(performance.now() - started) };
  }

  /** Ends the request readers' blocks now; one that fails to is ended by the drain's bound. */
  private wakeBlockedReaders(): void {
    for (const key of this.wakeKeys) {
      this.redis.command
        .multi()
        .lpush(key, 'stop')
        .pexpire(key, WAKE_TTL_MS)
        .exec()
        .catch((error: Error) => this.log.warn(`Could not wake a request reader: ${error.message}`));
    }
  }

  async close(): Promise<void> {
    await this.drain();
  }
}
