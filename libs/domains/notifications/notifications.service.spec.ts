import 'reflect-metadata';
import { DataSource, QueryFailedError } from 'typeorm';
import { NotificationView } from '@cleave/contracts/notifications/notifications.contract';
import { BusContext, ServiceBus } from '@cleave/platform/bus';
import { LeanSql, WriteQueue } from '@cleave/platform/database';
import { Notification } from './notification.entity';
import { CreateNotifications1767000000004 } from './migrations/1767000000004-create-notifications';
import { AddNotificationReadSeq1767000000014 } from './migrations/1767000000014-add-notification-read-seq';
import { NotificationsService } from './notifications.service';
import { NotificationsHandlers } from './notifications.handlers';
import { formatMoney } from './money';
import * as messages from './notification-messages';

const ADA = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BOB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const ORDER = '11111111-1111-4111-8111-111111111111';

/** The bus as notifications uses it: broadcasts, recorded (or refused). */
class FakeBus {
  readonly broadcasts: { name: string; payload: NotificationView }[] = [];
  failing = false;

  async broadcast(_contract: unknown, name: string, payload: NotificationView): Promise<void> {
    if (this.failing) throw new Error('redis down');
    this.broadcasts.push({ name, payload });
  }
}

function ctx(eventId: string): BusContext {
  return { messageId: eventId } as BusContext;
}

describe('NotificationsService', () => {
  let dataSource: DataSource;
  let bus: FakeBus;
  let service: NotificationsService;
  let handlers: NotificationsHandlers;

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [Notification],
      migrations: [CreateNotifications1767000000004, AddNotificationReadSeq1767000000014],
      migrationsRun: true,
    });
    await dataSource.initialize();
    bus = new FakeBus();
    service = new NotificationsService(dataSource.getRepository(Notification), new WriteQueue(dataSource), bus as unknown as ServiceBus);
    handlers = new NotificationsHandlers(service);
  });

  afterEach(() => {
    jest.restoreAllMocks();
    return dataSource.destroy();
  });

  const confirmed = (userId = ADA, totalCents = 1250) => messages.orderConfirmed({ orderId: ORDER, userId, totalCents, currency: 'USD', itemCount: 2 });

  describe('one readable notification per event kind', () => {
    const payment = { orderId: ORDER, userId: ADA, amountCents: 1250, currency: 'USD' };
    const cases: [string, (h: NotificationsHandlers) => Promise<void>, string, string][] = [
      ['user.registered', (h) => h.userRegistered({ userId: ADA, email: 'ada@example.com', name: 'Ada' }, ctx('e')), 'welcome', 'Welcome to Cleave, Ada!'],
      ['order.confirmed', (h) => h.orderConfirmed({ orderId: ORDER, userId: ADA, totalCents: 4049, currency: 'USD', itemCount: 3 }, ctx('e')), 'order.confirmed', `Your order ${ORDER} (3 items, 40.49 USD) is confirmed`],
      ['order.cancelled', (h) => h.orderCancelled({ orderId: ORDER, userId: ADA, reason: 'payment declined' }, ctx('e')), 'order.cancelled', `Your order ${ORDER} was cancelled: payment declined`],
      ['order.status-changed PAID', (h) => h.orderStatusChanged({ orderId: ORDER, userId: ADA, status: 'PAID' }, ctx('e')), 'order.paid', `Your order ${ORDER} is paid`],
      ['order.status-changed SHIPPED', (h) => h.orderStatusChanged({ orderId: ORDER, userId: ADA, status: 'SHIPPED' }, ctx('e')), 'order.shipped', `Your order ${ORDER} has shipped`],
      ['order.status-changed DELIVERED', (h) => h.orderStatusChanged({ orderId: ORDER, userId: ADA, status: 'DELIVERED' }, ctx('e')), 'order.delivered', `Your order ${ORDER} was delivered`],
      ['payment.charged', (h) => h.paymentCharged(payment, ctx('e')), 'payment.charged', `We charged 12.50 USD for your order ${ORDER}`],
      ['payment.declined', (h) => h.paymentDeclined({ ...payment, reason: 'card declined' }, ctx('e')), 'payment.declined', `Your payment of 12.50 USD for order ${ORDER} was declined: card declined`],
      ['payment.refunded', (h) => h.paymentRefunded({ ...payment, reason: 'cancelled by the customer' }, ctx('e')), 'payment.refunded', `We refunded 12.50 USD for your order ${ORDER}: cancelled by the customer`],
      ['payment.refunded (void)', (h) => h.paymentRefunded({ ...payment, amountCents: 0 }, ctx('e')), 'payment.refunded', `The payment for your order ${ORDER} was cancelled; nothing was charged`],
    ];

    it.each(cases)('%s', async (_event, handle, kind, message) => {
      await handle(handlers);
      await handle(handlers);
      const listed = await service.listForUser({ userId: ADA });
      expect(listed).toEqual([{ id: expect.any(String), userId: ADA, kind, message, eventId: 'e', read: false, seq: 1, createdAt: expect.any(String) }]);
      expect(bus.broadcasts).toEqual([{ name: 'notification.created', payload: listed[0] }]);
    });
  });

  it('records a redelivered event once, even when deliveries race, and broadcasts it once', async () => {
    await service.notify(confirmed(), 'event-1');
    await expect(service.notify(confirmed(), 'event-1')).resolves.toBeUndefined();
    const raced = await Promise.all([service.notify(confirmed(), 'event-2'), service.notify(confirmed(), 'event-2'), service.notify(confirmed(), 'event-2')]);
    expect(raced.filter(Boolean)).toHaveLength(1);
    expect(await dataSource.getRepository(Notification).count()).toBe(2);
    expect(bus.broadcasts.map((b) => b.payload.eventId)).toEqual(['event-1', 'event-2']);
  });

  it('numbers notifications 1, 2, 3... across users, also when recorded at once', async () => {
    await Promise.all(Array.from({ length: 10 }, (_, i) => service.notify(confirmed(i % 2 ? ADA : BOB), `event-${i}`)));
    const rows = await dataSource.getRepository(Notification).find({ order: { seq: 'ASC' } });
    expect(rows.map((r) => r.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(bus.broadcasts.map((b) => b.payload.seq).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('retries the insert when another instance took the next seq first', async () => {
    await service.notify(confirmed(), 'event-1');
    // Another instance inserts seq 2 first: this insert, computed before it, clashes on seq.
    const repository = dataSource.getRepository(Notification);
    const clash = new QueryFailedError('INSERT', [], Object.assign(new Error('UNIQUE constraint failed: notifications.seq'), { code: 'SQLITE_CONSTRAINT_UNIQUE' }));
    jest.spyOn(LeanSql.prototype, 'rows').mockImplementationOnce(async () => {
      await repository.insert({ id: 'other', userId: BOB, kind: 'x', message: 'x', eventId: 'other-event', read: false, seq: 2, createdAt: new Date().toISOString() });
      throw clash;
    });
    const recorded = await service.notify(confirmed(), 'event-2');
    expect(recorded).toMatchObject({ eventId: 'event-2', seq: 3 });
  });

  it('keeps the notification when the broadcast fails', async () => {
    bus.failing = true;
    await expect(service.notify(confirmed(), 'event-1')).resolves.toMatchObject({ seq: 1 });
    expect(await service.listForUser({ userId: ADA })).toHaveLength(1);
  });

  describe('listing', () => {
    beforeEach(async () => {
      for (let i = 1; i <= 5; i++) await service.notify(confirmed(i === 3 ? BOB : ADA), `event-${i}`);
    });

    it("lists a user's notifications newest first, and only theirs", async () => {
      expect((await service.listForUser({ userId: ADA })).map((n) => n.seq)).toEqual([5, 4, 2, 1]);
      expect((await service.listForUser({ userId: ADA, limit: 2 })).map((n) => n.seq)).toEqual([5, 4]);
    });

    it('lists those after a seq oldest first', async () => {
      expect((await service.listForUser({ userId: ADA, afterSeq: 1 })).map((n) => n.seq)).toEqual([2, 4, 5]);
      expect((await service.listForUser({ userId: ADA, afterSeq: 1, limit: 2 })).map((n) => n.seq)).toEqual([2, 4]);
      expect(await service.listForUser({ userId: ADA, afterSeq: 5 })).toEqual([]);
      expect((await service.listForUser({ userId: ADA, afterSeq: 0 })).map((n) => n.seq)).toEqual([1, 2, 4, 5]);
    });

    it('refuses a bad limit or afterSeq', async () => {
      for (const request of [{ limit: 0 }, { limit: 101 }, { limit: 1.5 }, { afterSeq: -1 }, { afterSeq: 'x' as never }]) {
        await expect(service.listForUser({ userId: ADA, ...request })).rejects.toMatchObject({ status: 422 });
      }
    });

    it('marks the given ones read, only the caller’s, and lists the unread', async () => {
      const [five, four] = await service.listForUser({ userId: ADA });
      const [bobs] = await service.listForUser({ userId: BOB });
      await expect(service.markRead({ userId: ADA, ids: [five.id, bobs.id, 'unknown'] })).resolves.toEqual({ updated: 1 });
      await expect(service.markRead({ userId: ADA, ids: [five.id] })).resolves.toEqual({ updated: 0 });
      expect((await service.listForUser({ userId: BOB }))[0].read).toBe(false);
      expect((await service.listForUser({ userId: ADA, unreadOnly: true })).map((n) => n.seq)).toEqual([4, 2, 1]);
      expect((await service.listForUser({ userId: ADA, unreadOnly: true, afterSeq: 2 })).map((n) => n.id)).toEqual([four.id]);
      await expect(service.markRead({ userId: ADA, ids: [] })).resolves.toEqual({ updated: 0 });
    });

    it('marks all of a user’s notifications read', async () => {
      await expect(service.markRead({ userId: ADA })).resolves.toEqual({ updated: 4 });
      expect(await service.listForUser({ userId: ADA, unreadOnly: true })).toEqual([]);
      expect(await service.listForUser({ userId: BOB, unreadOnly: true })).toHaveLength(1);
      await expect(service.markRead({ userId: ADA, ids: 'all' as never })).rejects.toMatchObject({ status: 422 });
    });
  });

  it('formats cents without floating point', () => {
    expect(formatMoney(1250, 'USD')).toBe('12.50 USD');
    expect(formatMoney(5, 'EUR')).toBe('0.05 EUR');
    expect(formatMoney(123456789, 'USD')).toBe('1234567.89 USD');
  });
});
