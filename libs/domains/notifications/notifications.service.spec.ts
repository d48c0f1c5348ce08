import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { OrderConfirmed } from '@cleave/contracts/orders/orders.contract';
import { Notification } from './notification.entity';
import { CreateNotifications1767000000004 } from './migrations/1767000000004-create-notifications';
import { NotificationsService } from './notifications.service';
import { formatMoney } from './money';

const ADA = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BOB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';

function placed(orderId: string, userId = ADA, totalCents = 1250): OrderConfirmed {
  return { orderId, userId, totalCents, currency: 'USD', itemCount: 1 };
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 5));

describe('NotificationsService', () => {
  let dataSource: DataSource;
  let service: NotificationsService;

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [Notification],
      migrations: [CreateNotifications1767000000004],
      migrationsRun: true,
    });
    await dataSource.initialize();
    service = new NotificationsService(dataSource.getRepository(Notification));
  });

  afterEach(() => dataSource.destroy());

  it('records an order notification with the formatted total', async () => {
    await service.orderConfirmed(placed('order-1'), 'event-1');
    expect(await service.listForUser({ userId: ADA })).toEqual([
      {
        id: expect.any(String),
        userId: ADA,
        kind: 'order.placed',
        message: 'Your order order-1 for 12.50 USD was placed',
        eventId: 'event-1',
        createdAt: expect.any(String),
      },
    ]);
  });

  it('records a redelivered event once, even when deliveries race', async () => {
    await service.orderConfirmed(placed('order-1'), 'event-1');
    await service.orderConfirmed(placed('order-1'), 'event-1');
    await Promise.all([service.orderConfirmed(placed('order-2'), 'event-2'), service.orderConfirmed(placed('order-2'), 'event-2')]);
    expect(await dataSource.getRepository(Notification).count()).toBe(2);
  });

  it("lists a user's notifications newest first, and only theirs", async () => {
    await service.orderConfirmed(placed('first'), 'event-1');
    await tick();
    await service.orderConfirmed(placed('other', BOB), 'event-2');
    await tick();
    await service.orderConfirmed(placed('second'), 'event-3');
    const listed = await service.listForUser({ userId: ADA });
    expect(listed.map((n) => n.eventId)).toEqual(['event-3', 'event-1']);
  });

  it('formats cents without floating point', () => {
    expect(formatMoney(1250, 'USD')).toBe('12.50 USD');
    expect(formatMoney(5, 'EUR')).toBe('0.05 EUR');
    expect(formatMoney(123456789, 'USD')).toBe('1234567.89 USD');
  });
});
