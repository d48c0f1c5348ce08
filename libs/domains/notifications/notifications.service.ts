import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { In, MoreThan, Repository } from 'typeorm';
import { ValidationError } from '@cleave/contracts/kernel/errors';
import { ListNotifications, MarkRead, notificationsContract, NotificationView } from '@cleave/contracts/notifications/notifications.contract';
import { ServiceBus } from '@cleave/platform/bus';
import { isUniqueViolation, LeanSql, WriteQueue } from '@cleave/platform/database';
import { Notification } from './notification.entity';
import { NotificationText } from './notification-messages';

const DEFAULT_LISTED = 50;
/** A user's feed is read in pages; this keeps one response bounded. */
const MAX_LISTED = 100;
/** Ids per markRead call: one bounded IN list. */
const MAX_IDS = 500;
/** Inserts losing the race for the next seq to another instance, before the event is left to redelivery. */
const MAX_SEQ_ATTEMPTS = 20;
/**
 * A notification recorded in one statement, hand-written: an event seen before inserts
 * nothing and answers no row, the next seq is taken in the insert and given back by it.
 * TypeORM's way was three statements (does the event exist, insert, read the row back for its
 * seq), about a quarter of the notifications process's CPU per checkout (issue 16). A seq
 * taken by another instance at the same moment still fails the insert: see record().
 */
const RECORD = `INSERT INTO notifications (id, user_id, kind, message, event_id, is_read, seq, created_at)
  VALUES (?, ?, ?, ?, ?, FALSE, (SELECT COALESCE(MAX(seq), 0) + 1 FROM notifications), ?)
  ON CONFLICT (event_id) DO NOTHING RETURNING seq`;

@Injectable()
export class NotificationsService {
  private readonly logger = new Logger('Notifications');
  private readonly sql: LeanSql;

  constructor(
    @InjectRepository(Notification, 'notifications') private readonly notifications: Repository<Notification>,
    private readonly writes: WriteQueue,
    private readonly bus: ServiceBus,
  ) {
    this.sql = new LeanSql(notifications.manager.connection);
  }

  /**
   * Records what an event tells its user, once per event id, and pushes it to live clients.
   * Answers the new notification, or nothing for an event seen before.
   */
  async notify(text: NotificationText, eventId: string): Promise<NotificationView | undefined> {
    const recorded = await this.record(text, eventId);
    if (recorded) await this.announce(recorded);
    return recorded;
  }

  /** Newest first; with afterSeq, those after it oldest first (a live client catching up). */
  async listForUser({ userId, unreadOnly, afterSeq, limit = DEFAULT_LISTED }: ListNotifications): Promise<NotificationView[]> {
    if (typeof userId !== 'string' || !userId) throw new ValidationError('userId is required');
    if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LISTED) throw new ValidationError(`limit must be an integer between 1 and ${MAX_LISTED}`);
    if (afterSeq !== undefined && (!Number.isInteger(afterSeq) || afterSeq < 0)) throw new ValidationError('afterSeq must be a non-negative integer');
    const where = { userId, ...(unreadOnly ? { read: false } : {}), ...(afterSeq !== undefined ? { seq: MoreThan(afterSeq) } : {}) };
    const rows = await this.notifications.find({ where, order: { seq: afterSeq === undefined ? 'DESC' : 'ASC' }, take: limit });
    return rows.map(toView);
  }

  /** Marks the given notifications of this user (others' ids are ignored), or all of them; counts those it changed. */
  async markRead({ userId, ids }: MarkRead): Promise<{ updated: number }> {
    if (typeof userId !== 'string' || !userId) throw new ValidationError('userId is required');
    if (ids !== undefined && (!Array.isArray(ids) || ids.length > MAX_IDS || ids.some((id) => typeof id !== 'string'))) {
      throw new ValidationError(`ids must be a list of at most ${MAX_IDS} notification ids`);
    }
    if (ids?.length === 0) return { updated: 0 };
    const where = { userId, read: false, ...(ids ? { id: In([...new Set(ids)]) } : {}) };
    const result = await this.writes.run(() => this.notifications.update(where, { read: true }));
    return { updated: result.affected ?? 0 };
  }

  /** Once per event id: a redelivered event, or the loser of a race for it, records nothing. */
  private async record({ userId, kind, message }: NotificationText, eventId: string): Promise<NotificationView | undefined> {
    if (typeof userId !== 'string' || !userId) throw new ValidationError(`Event ${eventId} names no user`);
    const id = randomUUID();
    for (let attempt = 1; ; attempt++) {
      const createdAt = new Date().toISOString();
      try {
        const [row] = await this.writes.run(() => this.sql.rows<{ seq: number | string }>(this.notifications.manager, RECORD, [id, userId, kind, message, eventId, createdAt]));
        return row ? { id, userId, kind, message, eventId, read: false, seq: Number(row.seq), createdAt } : undefined;
      } catch (error) {
        // Another instance took the same seq first; the next attempt sees its row.
        if (!isUniqueViolation(error) || attempt >= MAX_SEQ_ATTEMPTS) throw error;
      }
    }
  }

  /** Best effort: a client that misses it catches up by seq when it reconnects. */
  private async announce(notification: NotificationView): Promise<void> {
    try {
      await this.bus.broadcast(notificationsContract, 'notification.created', notification);
    } catch (error) {
      this.logger.warn(`Notification ${notification.id} (seq ${notification.seq}) was recorded but not broadcast: ${(error as Error)?.message ?? String(error)}`);
    }
  }
}

function toView(row: Notification): NotificationView {
  return {
    id: row.id,
    userId: row.userId,
    kind: row.kind,
    message: row.message,
    eventId: row.eventId,
    read: Boolean(row.read),
    seq: Number(row.seq),
    createdAt: row.createdAt,
  };
}
