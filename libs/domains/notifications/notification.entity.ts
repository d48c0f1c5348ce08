import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'notifications' })
@Index('IDX_notifications_user_seq', ['userId', 'seq'])
export class Notification {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ name: 'user_id', type: 'varchar', length: 36 })
  userId!: string;

  @Column({ type: 'varchar', length: 64 })
  kind!: string;

  @Column({ type: 'text' })
  message!: string;

  /** Events arrive at least once; this key makes the second delivery a no-op. */
  @Index('UQ_notifications_event', { unique: true })
  @Column({ name: 'event_id', type: 'varchar', length: 128 })
  eventId!: string;

  @Column({ name: 'is_read', type: 'boolean', default: false })
  read!: boolean;

  /**
   * One more than the highest recorded when the row was inserted (unique, so racing inserts
   * retry): a row becomes visible only after every lower seq is, which a client resuming
   * "after seq N" relies on.
   */
  @Index('UQ_notifications_seq', { unique: true })
  @Column({ type: 'integer' })
  seq!: number;

  /** ISO-8601 UTC; a string sorts and compares the same on SQLite and PostgreSQL. */
  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
