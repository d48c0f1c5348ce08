import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

@Entity({ name: 'notifications' })
export class Notification {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Index('IDX_notifications_user')
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

  /** ISO-8601 UTC; a string sorts and compares the same on SQLite and PostgreSQL. */
  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}
