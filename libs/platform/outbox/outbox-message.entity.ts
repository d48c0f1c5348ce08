import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

/**
 * An event written in the same transaction as the change it reports, waiting for the relay
 * to put it on the bus. Every module that publishes has this table in its own database.
 */
@Entity({ name: 'outbox' })
export class OutboxMessage {
  /** Write order: the relay publishes a module's events in seq order. */
  @PrimaryGeneratedColumn({ type: 'integer' })
  seq!: number;

  /** The event id consumers deduplicate on; a re-sent event keeps it. */
  @Column({ name: 'event_id', type: 'varchar', length: 64 })
  eventId!: string;

  @Column({ type: 'varchar', length: 100 })
  event!: string;

  /** JSON of the payload. */
  @Column({ type: 'text' })
  payload!: string;

  /** The trace of the change, so the consumers' spans join it. */
  @Column({ type: 'varchar', length: 64, nullable: true })
  traceparent!: string | null;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;

  @Column({ type: 'integer', default: 0 })
  attempts!: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError!: string | null;

  /** Given up on (its subscribers failed it too often, one process only): kept for inspection, not relayed. */
  @Column({ name: 'dead_at', type: 'varchar', length: 32, nullable: true })
  deadAt!: string | null;
}
