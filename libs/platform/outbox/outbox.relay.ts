import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ServiceBus } from '../bus/service-bus';
import { WriteQueue } from '../database/write-queue';
import { OutboxMessage } from './outbox-message.entity';
import { reportOutboxBacklog } from './outbox.metrics';

export interface OutboxRelaySettings {
  /** How often the relay looks for rows nobody kicked it for (left by a crash, another instance). */
  pollMs: number;
  batchSize: number;
  /** The longest wait between attempts while the bus refuses events. */
  maxBackoffMs: number;
}

/**
 * Moves a module's committed events from its outbox table to the bus, oldest first, and
 * deletes each once the bus has it. Kicked after every commit that wrote events, and polling
 * for the rest; while the bus is down it backs off and keeps the rows, so an outage or a
 * crash delays events but never loses them. Delivery is at least once: a crash between
 * publishing and deleting re-sends the event under the same id, and consumers deduplicate.
 *
 * Hand-written: outbox libraries for Node are tied to one ORM or broker; this one is a
 * loop over a table and ServiceBus.publishRecorded.
 */
export class OutboxRelay implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;
  private running?: Promise<void>;
  private again = false;
  private stopped = true;
  private timer?: NodeJS.Timeout;
  private failures = 0;
  private unreport?: () => void;

  constructor(
    readonly module: string,
    private readonly dataSource: DataSource,
    private readonly writes: WriteQueue,
    private readonly bus: ServiceBus,
    private readonly settings: OutboxRelaySettings,
  ) {
    this.logger = new Logger(`Outbox:${module}`);
  }

  /** Starts once the bus is up: what a previous run left is relayed first. */
  onApplicationBootstrap(): void {
    this.unreport = reportOutboxBacklog(this);
    this.stopped = false;
    this.kick();
  }

  /** Stops after the event in hand, before the bus closes; the rest waits in the table. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    this.unreport?.();
    clearTimeout(this.timer);
    await this.running;
  }

  /** Relay now (or right after the pass under way): something was just committed. */
  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.stopped) return;
      if (this.again && this.failures === 0) return this.kick();
      this.schedule();
    });
  }

  /** Rows not yet relayed: the backlog metric. */
  backlog(): Promise<{ count: number; oldestCreatedAt?: string }> {
    return this.writes.run(() => this.dataSource
      .getRepository(OutboxMessage)
      .createQueryBuilder('m')
      .select('COUNT(*)', 'count')
      .addSelect('MIN(m.created_at)', 'oldest')
      .getRawOne<{ count: string | number; oldest: string | null }>()
      .then((row) => ({ count: Number(row?.count ?? 0), oldestCreatedAt: row?.oldest ?? undefined })));
  }

  private schedule(): void {
    this.again = false;
    const delay = this.failures === 0 ? this.settings.pollMs : Math.min(this.settings.maxBackoffMs, 100 * 2 ** this.failures) * (0.5 + Math.random() / 2);
    this.timer = setTimeout(() => this.kick(), delay);
    this.timer.unref();
  }

  private async drain(): Promise<void> {
    const repository = this.dataSource.getRepository(OutboxMessage);
    while (!this.stopped) {
      this.again = false;
      let batch: OutboxMessage[];
      try {
        // Queued with the writes: on SQLite's one shared connection a read beside an open
        // transaction would see (and publish) rows that may yet roll back.
        batch = await this.writes.run(() => repository.find({ order: { seq: 'ASC' }, take: this.settings.batchSize }));
      } catch (error) {
        this.fail(undefined, error);
        return;
      }
      if (batch.length === 0) {
        this.failures = 0;
        return;
      }
      for (const message of batch) {
        if (this.stopped) return;
        try {
          await this.bus.publishRecorded({ eventId: message.eventId, event: message.event, payload: JSON.parse(message.payload), traceparent: message.traceparent });
        } catch (error) {
          this.fail(message, error);
          await this.writes.run(() => repository.update({ seq: message.seq }, { attempts: message.attempts + 1, lastError: errorText(error) })).catch(() => undefined);
          return;
        }
        try {
          await this.writes.run(() => repository.delete({ seq: message.seq }));
        } catch (error) {
          // Published but still in the table: it will be sent again, and deduplicated.
          this.fail(message, error);
          return;
        }
        this.failures = 0;
      }
    }
  }

  private fail(message: OutboxMessage | undefined, error: unknown): void {
    this.failures++;
    // One line per outage, then one per ten attempts: the backlog metric tells the rest.
    if (this.failures === 1 || this.failures % 10 === 0) {
      const what = message ? `${message.event} ${message.eventId} (attempt ${message.attempts + 1})` : 'its outbox';
      this.logger.warn(`Cannot relay ${what} of ${this.module}; keeping it and retrying: ${errorText(error)}`);
    }
  }
}

function errorText(error: unknown): string {
  return (error as Error)?.message ?? String(error);
}
