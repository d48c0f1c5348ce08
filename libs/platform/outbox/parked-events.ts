import { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, DeadLetter, EventHandlersFailedError } from '@cleave/platform/bus';
import { WriteQueue } from '@cleave/platform/database';
import { OutboxMessage } from './outbox-message.entity';
import { OutboxRelay } from './outbox.relay';

/** Every module outbox of this process, for OutboxDeadLetters. */
export const parkedEventSources = new Set<ParkedEvents>();

/**
 * One module outbox's parked events (one process: `dead_at` set after its subscribers
 * failed them too often), as dead letters: listed, replayed (put back for the relay, which
 * is kicked) or dropped. A dead letter's id is `<dead at, epoch ms>-<seq>`.
 */
export class ParkedEvents implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger: Logger;

  constructor(
    readonly module: string,
    private readonly dataSource: DataSource,
    private readonly writes: WriteQueue,
    private readonly relay: OutboxRelay,
  ) {
    this.logger = new Logger(`Outbox:${module}`);
  }

  onApplicationBootstrap(): void {
    parkedEventSources.add(this);
  }

  onModuleDestroy(): void {
    parkedEventSources.delete(this);
  }

  /** Parked events of `event` (all events when undefined), oldest first, after `afterSeq`. */
  async list(event: string | undefined, limit: number, afterSeq = 0): Promise<DeadLetter[]> {
    const query = this.dataSource
      .getRepository(OutboxMessage)
      .createQueryBuilder('m')
      .where('m.dead_at IS NOT NULL')
      .andWhere('m.seq > :afterSeq', { afterSeq })
      .orderBy('m.seq', 'ASC')
      .limit(limit);
    if (event) query.andWhere('m.event = :event', { event });
    return (await this.writes.run(() => query.getMany())).map(toDeadLetter);
  }

  async get(event: string, seq: number): Promise<DeadLetter | undefined> {
    const row = await this.writes.run(() => this.dataSource.getRepository(OutboxMessage).findOneBy({ seq, event }));
    return row?.deadAt ? toDeadLetter(row) : undefined;
  }

  /** Back to the relay with a fresh count of attempts; undefined when it is not parked here. */
  async replay(letter: DeadLetter, seq: number, actor: Actor): Promise<boolean> {
    const result = await this.writes.run(() =>
      this.dataSource
        .createQueryBuilder()
        .update(OutboxMessage)
        .set({ deadAt: null, attempts: 0, lastError: null })
        .where('seq = :seq AND event = :event AND dead_at IS NOT NULL', { seq, event: letter.event })
        .execute(),
    );
    if (result.affected !== 1) return false;
    this.logger.log(`Replayed parked ${letter.event} ${letter.eventId} (${letter.id}), asked by ${actor.by}`);
    this.relay.kick();
    return true;
  }

  async drop(letter: DeadLetter, seq: number, actor: Actor): Promise<boolean> {
    const result = await this.writes.run(() =>
      this.dataSource.createQueryBuilder().delete().from(OutboxMessage).where('seq = :seq AND event = :event AND dead_at IS NOT NULL', { seq, event: letter.event }).execute(),
    );
    if (result.affected !== 1) return false;
    // The whole event goes to the log: a drop by mistake can still be recovered from it.
    this.logger.warn(`Dropped parked ${letter.event} ${letter.eventId} (${letter.id}), asked by ${actor.by}: ${JSON.stringify(letter)}`);
    return true;
  }
}

function toDeadLetter(row: OutboxMessage): DeadLetter {
  const deadAt = row.deadAt ?? row.createdAt;
  const error = row.lastError ?? '';
  return {
    id: `${Date.parse(deadAt)}-${row.seq}`,
    event: row.event,
    group: EventHandlersFailedError.subscribersIn(error).join(',') || 'unknown',
    eventId: row.eventId,
    entry: String(row.seq),
    deliveries: row.attempts,
    deadAt,
    // The outbox keeps the error of the attempt that parked it.
    firstError: error,
    lastError: error,
    data: parsePayload(row.payload),
    ...(row.traceparent ? { traceparent: row.traceparent } : {}),
  };
}

function parsePayload(payload: string): unknown {
  try {
    return JSON.parse(payload);
  } catch {
    return payload;
  }
}
