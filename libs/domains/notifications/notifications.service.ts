import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { NotificationView } from '@cleave/contracts/notifications/notifications.contract';
import { OrderConfirmed } from '@cleave/contracts/orders/orders.contract';
import { Notification } from './notification.entity';
import { formatMoney } from './money';
import { isUniqueViolation } from '@cleave/platform/database/unique-violation';

/** A user's feed is read whole; this keeps one response bounded. */
const MAX_LISTED = 100;

@Injectable()
export class NotificationsService {
  constructor(@InjectRepository(Notification, 'notifications') private readonly notifications: Repository<Notification>) {}

  orderConfirmed(event: OrderConfirmed, eventId: string): Promise<void> {
    return this.record(eventId, event.userId, 'order.placed', `Your order ${event.orderId} for ${formatMoney(event.totalCents, event.currency)} was placed`);
  }

  async listForUser({ userId }: { userId: string }): Promise<NotificationView[]> {
    const rows = await this.notifications.find({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' }, take: MAX_LISTED });
    return rows.map(toView);
  }

  /** Once per event id: a redelivered event finds its row, or loses the insert race quietly. */
  private async record(eventId: string, userId: string, kind: string, message: string): Promise<void> {
    if (await this.notifications.existsBy({ eventId })) return;
    try {
      await this.notifications.insert({ id: randomUUID(), userId, kind, message, eventId, createdAt: new Date().toISOString() });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
    }
  }
}

function toView(row: Notification): NotificationView {
  return { id: row.id, userId: row.userId, kind: row.kind, message: row.message, eventId: row.eventId, read: false, seq: 0, createdAt: row.createdAt };
}
