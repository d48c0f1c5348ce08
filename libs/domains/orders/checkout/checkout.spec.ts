import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, PaymentDeclinedError, ServiceUnavailableError, ValidationError } from '@cleave/contracts/kernel/errors';
import { CatalogClient, ProductView, Reservation, ReserveStock } from '@cleave/contracts/catalog/catalog.contract';
import { Charge, PaymentsClient, PaymentView, Refund } from '@cleave/contracts/payments/payments.contract';
import { ProcessIdentity } from '@cleave/platform/process';
import { WriteQueue } from '@cleave/platform/database';
import { Outbox, OUTBOX_MIGRATIONS, OutboxMessage, OutboxRelay } from '@cleave/platform/outbox';
import { Order } from '../order.entity';
import { OrderRepository } from '../order.repository';
import { ORDERS_MIGRATIONS } from '../orders.migrations';
import { OrdersSettings } from '../orders.settings';
import { OrderLifecycleService } from '../manage/order-lifecycle.service';
import { CheckoutSaga } from './checkout-saga';
import { PlaceOrderService } from './place-order.service';
import { SagaRecovery } from './saga-recovery';

const ADA = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BOB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const MISSING = '00000000-0000-4000-8000-000000000000';

function product(id: string, name: string, priceCents: number, overrides: Partial<ProductView> = {}): ProductView {
  const at = new Date(0).toISOString();
  return { id, name, description: '', category: 'general', priceCents, currency: 'USD', active: true, stock: 5, createdAt: at, updatedAt: at, ...overrides };
}

const WIDGET = product('11111111-1111-4111-8111-111111111111', 'Widget', 1250);
const GADGET = product('22222222-2222-4222-8222-222222222222', 'Gadget', 299);
const EURO = product('33333333-3333-4333-8333-333333333333', 'Euro thing', 100, { currency: 'EUR' });
const RETIRED = product('44444444-4444-4444-8444-444444444444', 'Retired', 100, { active: false });

/** Catalog as orders sees it, keeping stock and reservations like the real one does. */
class FakeCatalog implements CatalogClient {
  readonly stock = new Map<string, number>([[WIDGET.id, 5], [GADGET.id, 5], [EURO.id, 5], [RETIRED.id, 5]]);
  readonly reservations = new Map<string, Reservation>();
  readonly calls: string[] = [];
  failCommit?: Error;
  failRelease?: Error;

  async getProducts({ ids }: { ids: string[] }) {
    return [WIDGET, GADGET, EURO, RETIRED].filter((p) => ids.includes(p.id));
  }
  async reserveStock({ orderId, items }: ReserveStock): Promise<Reservation> {
    this.calls.push(`reserve ${orderId}`);
    const existing = this.reservations.get(orderId);
    if (existing?.status === 'RELEASED') throw new ConflictError(`reservation for order ${orderId} was released`);
    if (existing) return existing;
    for (const line of items) {
      if ((this.stock.get(line.productId) ?? 0) < line.quantity) throw new ConflictError(`Not enough stock for ${line.productId}`);
    }
    for (const line of items) this.stock.set(line.productId, this.stock.get(line.productId)! - line.quantity);
    const reservation: Reservation = { orderId, items, status: 'RESERVED', expiresAt: '' };
    this.reservations.set(orderId, reservation);
    return reservation;
  }
  async commitReservation({ orderId }: { orderId: string }): Promise<Reservation> {
    this.calls.push(`commit ${orderId}`);
    if (this.failCommit) throw this.failCommit;
    const reservation = this.reservations.get(orderId);
    if (!reservation) throw new NotFoundError('no reservation');
    if (reservation.status === 'RELEASED') throw new ConflictError(`reservation for order ${orderId} was released`);
    reservation.status = 'COMMITTED';
    return reservation;
  }
  async releaseReservation({ orderId }: { orderId: string }): Promise<Reservation> {
    this.calls.push(`release ${orderId}`);
    if (this.failRelease) throw this.failRelease;
    const reservation = this.reservations.get(orderId) ?? { orderId, items: [], status: 'RESERVED' as const, expiresAt: '' };
    if (reservation.status !== 'RELEASED') {
      for (const line of reservation.items) this.stock.set(line.productId, this.stock.get(line.productId)! + line.quantity);
      reservation.status = 'RELEASED';
    }
    this.reservations.set(orderId, reservation);
    return reservation;
  }
  async getProduct(): Promise<ProductView> {
    throw new Error('not used by orders');
  }
  async listProducts(): Promise<never> {
    throw new Error('not used by orders');
  }
  async createProduct(): Promise<ProductView> {
    throw new Error('not used by orders');
  }
  async updateProduct(): Promise<ProductView> {
    throw new Error('not used by orders');
  }
  async adjustStock(): Promise<ProductView> {
    throw new Error('not used by orders');
  }
}

/** Payments keyed by order, charging once, declining pm_card_declined. */
class FakePayments implements PaymentsClient {
  readonly payments = new Map<string, PaymentView>();
  readonly calls: string[] = [];
  failCharge?: Error;
  failRefund?: Error;

  async charge(request: Charge): Promise<PaymentView> {
    this.calls.push(`charge ${request.orderId}`);
    if (this.failCharge) throw this.failCharge;
    const existing = this.payments.get(request.orderId);
    if (existing?.status === 'VOIDED') throw new ConflictError('voided');
    if (existing) return existing;
    const declined = request.paymentMethod === 'pm_card_declined';
    const at = new Date().toISOString();
    const payment: PaymentView = { ...request, status: declined ? 'DECLINED' : 'CHARGED', createdAt: at, updatedAt: at };
    this.payments.set(request.orderId, payment);
    if (declined) throw new PaymentDeclinedError('Payment declined: card declined');
    return payment;
  }
  async refund({ orderId, userId, reason }: Refund): Promise<PaymentView> {
    this.calls.push(`refund ${orderId}`);
    if (this.failRefund) throw this.failRefund;
    const at = new Date().toISOString();
    const existing = this.payments.get(orderId) ?? { orderId, userId, amountCents: 0, currency: '', status: 'VOIDED' as const, createdAt: at, updatedAt: at };
    if (existing.status === 'CHARGED') existing.status = 'REFUNDED';
    existing.reason = reason;
    this.payments.set(orderId, existing);
    return existing;
  }
  async getPayment(): Promise<PaymentView> {
    throw new Error('not used by orders');
  }
}

const settings: OrdersSettings = { sagaLeaseMs: 30_000, sagaRecoveryMs: 1000, sagaMaxBackoffMs: 1000, sagaPauses: new Map() };

describe('checkout saga', () => {
  let dataSource: DataSource;
  let catalog: FakeCatalog;
  let payments: FakePayments;
  let repository: OrderRepository;
  let saga: CheckoutSaga;
  let checkout: PlaceOrderService;
  let lifecycle: OrderLifecycleService;
  let recovery: SagaRecovery;

  beforeAll(() => {
    jest.spyOn(Logger.prototype, 'log').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
  });

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [Order, OutboxMessage],
      migrations: [...ORDERS_MIGRATIONS, ...OUTBOX_MIGRATIONS],
      migrationsRun: true,
    });
    await dataSource.initialize();
    const writes = new WriteQueue(dataSource);
    const outbox = new Outbox(dataSource, writes, { kick: () => undefined } as unknown as OutboxRelay);
    catalog = new FakeCatalog();
    payments = new FakePayments();
    repository = new OrderRepository(dataSource.getRepository(Order), writes, outbox);
    saga = new CheckoutSaga(repository, catalog, payments, settings, { instanceId: 'orders-test-1' } as ProcessIdentity);
    checkout = new PlaceOrderService(repository, catalog, saga, settings);
    lifecycle = new OrderLifecycleService(repository, saga);
    recovery = new SagaRecovery(repository, saga, settings);
  });

  afterEach(() => dataSource.destroy());

  async function events(): Promise<{ event: string; payload: Record<string, unknown> }[]> {
    const rows = await dataSource.getRepository(OutboxMessage).find({ order: { seq: 'ASC' } });
    return rows.map((row) => ({ event: row.event, payload: JSON.parse(row.payload) }));
  }

  async function stored(id: string): Promise<Order> {
    return (await dataSource.getRepository(Order).findOneBy({ id }))!;
  }

  /** Lets recovery take an order at once, as if its driver's lease had run out. */
  async function expireLeases(): Promise<void> {
    await dataSource.getRepository(Order).createQueryBuilder().update().set({ leaseUntil: 1 }).execute();
  }

  describe('place order', () => {
    it('reserves, charges, commits and confirms at catalog prices, announcing it once', async () => {
      const order = await checkout.placeOrder({
        userId: ADA,
        items: [
          { productId: WIDGET.id, quantity: 2 },
          { productId: GADGET.id, quantity: 1 },
          { productId: WIDGET.id, quantity: 1 },
        ],
      });
      expect(order).toMatchObject({
        userId: ADA,
        status: 'CONFIRMED',
        items: [
          { productId: WIDGET.id, name: 'Widget', quantity: 3, unitPriceCents: 1250 },
          { productId: GADGET.id, name: 'Gadget', quantity: 1, unitPriceCents: 299 },
        ],
        totalCents: 3 * 1250 + 299,
        currency: 'USD',
      });
      expect(order).not.toHaveProperty('cancelReason');
      expect(catalog.calls).toEqual([`reserve ${order.id}`, `commit ${order.id}`]);
      expect(payments.calls).toEqual([`charge ${order.id}`]);
      expect(payments.payments.get(order.id)).toMatchObject({ amountCents: 4049, currency: 'USD', status: 'CHARGED' });
      expect(catalog.stock.get(WIDGET.id)).toBe(2);
      expect(await events()).toEqual([{ event: 'order.confirmed', payload: { orderId: order.id, userId: ADA, totalCents: 4049, currency: 'USD', itemCount: 4 } }]);
      expect(await stored(order.id)).toMatchObject({ step: 'DONE', leaseOwner: null, leaseUntil: null });
    });

    it('refuses unknown, inactive and mixed-currency products before anything is reserved', async () => {
      await expect(checkout.placeOrder({ userId: ADA, items: [{ productId: MISSING, quantity: 1 }] })).rejects.toThrow(new NotFoundError(`Product ${MISSING} not found`));
      await expect(checkout.placeOrder({ userId: ADA, items: [{ productId: RETIRED.id, quantity: 1 }] })).rejects.toBeInstanceOf(ConflictError);
      await expect(checkout.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 1 }, { productId: EURO.id, quantity: 1 }] })).rejects.toBeInstanceOf(ValidationError);
      expect(catalog.calls).toEqual([]);
      expect(await dataSource.getRepository(Order).count()).toBe(0);
    });

    it.each([
      ['no items', { items: [] }],
      ['a zero quantity', { items: [{ productId: WIDGET.id, quantity: 0 }] }],
      ['a fractional quantity', { items: [{ productId: WIDGET.id, quantity: 1.5 }] }],
      ['a long idempotency key', { items: [{ productId: WIDGET.id, quantity: 1 }], idempotencyKey: 'k'.repeat(101) }],
      ['an odd payment method', { items: [{ productId: WIDGET.id, quantity: 1 }], paymentMethod: 'pm card' }],
    ])('rejects %s with a validation error', async (_, request) => {
      await expect(checkout.placeOrder({ userId: ADA, ...request })).rejects.toBeInstanceOf(ValidationError);
    });

    it('cancels with the reason when stock is short, and charges nothing', async () => {
      const attempt = checkout.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 6 }] });
      await expect(attempt).rejects.toBeInstanceOf(ConflictError);
      const error = await attempt.catch((e) => e);
      const orderId = error.details.orderId;
      expect(await lifecycle.getOrder({ id: orderId, userId: ADA })).toMatchObject({ status: 'CANCELLED', cancelReason: expect.stringContaining('Not enough stock') });
      expect(payments.calls).toEqual([]);
      expect(catalog.calls).toEqual([`reserve ${orderId}`, `release ${orderId}`]);
      expect(catalog.stock.get(WIDGET.id)).toBe(5);
      expect(await events()).toEqual([{ event: 'order.cancelled', payload: { orderId, userId: ADA, reason: expect.stringContaining('Not enough stock') } }]);
    });

    it('cancels a declined payment with 402, puts the stock back and settles the payment', async () => {
      const attempt = checkout.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 2 }], paymentMethod: 'pm_card_declined' });
      const error = await attempt.catch((e) => e);
      expect(error).toBeInstanceOf(PaymentDeclinedError);
      expect(error.status).toBe(402);
      const order = await stored(error.details.orderId);
      expect(order).toMatchObject({ status: 'CANCELLED', step: 'DONE', cancelReason: 'Payment declined: card declined' });
      expect(catalog.stock.get(WIDGET.id)).toBe(5);
      expect(payments.calls).toEqual([`charge ${order.id}`, `refund ${order.id}`]);
      expect(payments.payments.get(order.id)?.status).toBe('DECLINED');
    });

    it('refunds and cancels when the reservation expired before the commit', async () => {
      catalog.failCommit = new ConflictError('reservation was released');
      const error = await checkout.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 1 }] }).catch((e) => e);
      expect(error).toBeInstanceOf(ConflictError);
      expect(payments.payments.get(error.details.orderId)?.status).toBe('REFUNDED');
      expect((await stored(error.details.orderId)).status).toBe('CANCELLED');
    });

    it('compensates when payments cannot be reached, voiding any late charge', async () => {
      payments.failCharge = new ServiceUnavailableError('payments did not answer');
      const error = await checkout.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 1 }] }).catch((e) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(payments.payments.get(error.details.orderId)?.status).toBe('VOIDED');
      expect(catalog.stock.get(WIDGET.id)).toBe(5);
      payments.failCharge = undefined;
      await expect(payments.charge({ orderId: error.details.orderId, userId: ADA, amountCents: 1250, currency: 'USD' })).rejects.toBeInstanceOf(ConflictError);
    });

    it('keeps a paid order and confirms it once the catalog is back', async () => {
      catalog.failCommit = new ServiceUnavailableError('catalog did not answer');
      const error = await checkout.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 1 }] }).catch((e) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      expect(error.message).toContain('is paid and will be confirmed');
      const orderId = error.details.orderId;
      expect(await stored(orderId)).toMatchObject({ status: 'PENDING', step: 'COMMIT', leaseOwner: null, attempts: 1 });
      // PostgreSQL's bigint takes whole milliseconds only (SQLite would take a fraction).
      expect(Number.isInteger((await stored(orderId)).leaseUntil)).toBe(true);

      catalog.failCommit = undefined;
      await expireLeases();
      await recovery.recoverDue();
      expect(await stored(orderId)).toMatchObject({ status: 'CONFIRMED', step: 'DONE' });
      expect(payments.payments.get(orderId)?.status).toBe('CHARGED');
      expect(await events()).toEqual([{ event: 'order.confirmed', payload: expect.objectContaining({ orderId }) }]);
    });
  });

  describe('Idempotency-Key', () => {
    const items = [{ productId: WIDGET.id, quantity: 1 }];

    it('answers a repeated key with the first order, placing one', async () => {
      const first = await checkout.placeOrder({ userId: ADA, items, idempotencyKey: 'key-1' });
      const again = await checkout.placeOrder({ userId: ADA, items, idempotencyKey: 'key-1' });
      const emptied = await checkout.placeOrder({ userId: ADA, items: [], idempotencyKey: 'key-1' });
      expect(again).toEqual(first);
      expect(emptied).toEqual(first);
      expect(await dataSource.getRepository(Order).count()).toBe(1);
      expect(payments.calls).toHaveLength(1);
    });

    it('places one order for concurrent requests with one key', async () => {
      const outcomes = await Promise.allSettled(Array.from({ length: 5 }, () => checkout.placeOrder({ userId: ADA, items, idempotencyKey: 'race' })));
      expect(await dataSource.getRepository(Order).count()).toBe(1);
      const answered = outcomes.filter((o) => o.status === 'fulfilled').map((o) => (o as PromiseFulfilledResult<{ id: string }>).value.id);
      // Each answer is the one order, or "still in progress" while it was being placed.
      expect(new Set(answered).size).toBeLessThanOrEqual(1);
      for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(ConflictError);
    });

    it('repeats the first error, and refuses the key for other lines', async () => {
      const declined = { userId: ADA, items, idempotencyKey: 'key-2', paymentMethod: 'pm_card_declined' };
      await expect(checkout.placeOrder(declined)).rejects.toBeInstanceOf(PaymentDeclinedError);
      await expect(checkout.placeOrder(declined)).rejects.toBeInstanceOf(PaymentDeclinedError);
      expect(payments.calls).toHaveLength(2); // one charge, one refund: the retry charged nothing
      await expect(checkout.placeOrder({ userId: ADA, items: [{ productId: GADGET.id, quantity: 1 }], idempotencyKey: 'key-2' })).rejects.toThrow(/different checkout/);
      await expect(checkout.placeOrder({ ...declined, paymentMethod: 'pm_card_ok' })).rejects.toThrow(/different checkout/);
    });

    it('frees the key of a checkout that failed for a while, so the retry places the order', async () => {
      payments.failCharge = new ServiceUnavailableError('payments did not answer');
      const failed = await checkout.placeOrder({ userId: ADA, items, idempotencyKey: 'flaky' }).catch((e) => e);
      expect(failed).toBeInstanceOf(ServiceUnavailableError);
      payments.failCharge = undefined;
      const retried = await checkout.placeOrder({ userId: ADA, items, idempotencyKey: 'flaky' });
      expect(retried).toMatchObject({ status: 'CONFIRMED' });
      expect(retried.id).not.toBe(failed.details.orderId);
      expect(await checkout.placeOrder({ userId: ADA, items: [], idempotencyKey: 'flaky' })).toEqual(retried);
      expect((await stored(failed.details.orderId)).status).toBe('CANCELLED');
    });

    it('keeps keys per user', async () => {
      const ada = await checkout.placeOrder({ userId: ADA, items, idempotencyKey: 'shared' });
      const bob = await checkout.placeOrder({ userId: BOB, items, idempotencyKey: 'shared' });
      expect(bob.id).not.toBe(ada.id);
    });
  });

  describe('recovery', () => {
    async function interruptedAt(step: 'RESERVE' | 'CHARGE'): Promise<Order> {
      const now = new Date().toISOString();
      const order: Order = Object.assign(new Order(), {
        id: 'cccccccc-cccc-4ccc-8ccc-cccccccccccc',
        userId: ADA,
        status: 'PENDING',
        step,
        items: JSON.stringify([{ productId: WIDGET.id, name: 'Widget', quantity: 2, unitPriceCents: 1250 }]),
        totalCents: 2500,
        currency: 'USD',
        paymentMethod: null,
        cancelReason: null,
        refundOnCancel: false,
        failure: null,
        idempotencyKey: 'crashed',
        requestHash: null,
        leaseOwner: 'orders-dead-1',
        leaseUntil: Date.now() - 1,
        attempts: 0,
        createdAt: now,
        updatedAt: now,
      });
      await dataSource.getRepository(Order).insert(order);
      await catalog.reserveStock({ orderId: order.id, items: [{ productId: WIDGET.id, quantity: 2 }] });
      return order;
    }

    it('cancels a checkout whose driver died after reserving, giving the stock back', async () => {
      const order = await interruptedAt('RESERVE');
      expect(catalog.stock.get(WIDGET.id)).toBe(3);
      await recovery.recoverDue();
      expect(await stored(order.id)).toMatchObject({ status: 'CANCELLED', step: 'DONE' });
      expect(catalog.stock.get(WIDGET.id)).toBe(5);
      expect(payments.calls).toEqual([]);
      expect((await stored(order.id)).cancelReason).toMatch(/interrupted/);
      // The customer never had an answer: the key is free for the retry.
      expect(await checkout.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 2 }], idempotencyKey: 'crashed' })).toMatchObject({ status: 'CONFIRMED' });
    });

    it('refunds a checkout whose driver died while charging', async () => {
      const order = await interruptedAt('CHARGE');
      await payments.charge({ orderId: order.id, userId: ADA, amountCents: 2500, currency: 'USD' });
      await recovery.recoverDue();
      expect(await stored(order.id)).toMatchObject({ status: 'CANCELLED', step: 'DONE' });
      expect(payments.payments.get(order.id)?.status).toBe('REFUNDED');
      expect(catalog.stock.get(WIDGET.id)).toBe(5);
    });

    it('leaves an order alone while its driver holds the lease', async () => {
      const order = await interruptedAt('RESERVE');
      await dataSource.getRepository(Order).update({ id: order.id }, { leaseUntil: Date.now() + 60_000 });
      expect(await recovery.recoverDue()).toBe(0);
      expect((await stored(order.id)).status).toBe('PENDING');
    });

    it('retries a compensation that failed until it succeeds', async () => {
      catalog.failRelease = new ServiceUnavailableError('catalog did not answer');
      const error = await checkout.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 1 }], paymentMethod: 'pm_card_declined' }).catch((e) => e);
      expect(error).toBeInstanceOf(ServiceUnavailableError);
      const orderId = error.details.orderId;
      expect(await stored(orderId)).toMatchObject({ status: 'PENDING', step: 'COMPENSATE', attempts: 1 });
      await expireLeases();
      await recovery.recoverDue();
      expect((await stored(orderId)).step).toBe('COMPENSATE');
      catalog.failRelease = undefined;
      await expireLeases();
      await recovery.recoverDue();
      expect(await stored(orderId)).toMatchObject({ status: 'CANCELLED', step: 'DONE' });
      expect(catalog.stock.get(WIDGET.id)).toBe(5);
    });
  });

  describe('after checkout', () => {
    let orderId: string;

    beforeEach(async () => {
      orderId = (await checkout.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 2 }] })).id;
    });

    it('lets the customer cancel before shipping: refunded, stock back, announced', async () => {
      const cancelled = await lifecycle.cancelOrder({ id: orderId, userId: ADA, reason: 'Changed my mind' });
      expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelReason: 'Changed my mind' });
      expect(payments.payments.get(orderId)?.status).toBe('REFUNDED');
      expect(catalog.stock.get(WIDGET.id)).toBe(5);
      expect(await lifecycle.cancelOrder({ id: orderId, userId: ADA })).toEqual(cancelled);
      expect((await events()).map((e) => e.event)).toEqual(['order.confirmed', 'order.cancelled']);
    });

    it('moves through PAID, SHIPPED, DELIVERED and refuses a cancel once shipped', async () => {
      expect((await lifecycle.setStatus({ id: orderId, status: 'PAID' })).status).toBe('PAID');
      expect((await lifecycle.setStatus({ id: orderId, status: 'PAID' })).status).toBe('PAID');
      expect((await lifecycle.setStatus({ id: orderId, status: 'SHIPPED' })).status).toBe('SHIPPED');
      await expect(lifecycle.cancelOrder({ id: orderId, userId: ADA })).rejects.toBeInstanceOf(ConflictError);
      expect((await lifecycle.setStatus({ id: orderId, status: 'DELIVERED' })).status).toBe('DELIVERED');
      const moves = (await events()).filter((e) => e.event === 'order.status-changed').map((e) => e.payload.status);
      expect(moves).toEqual(['PAID', 'SHIPPED', 'DELIVERED']);
    });

    it('refuses moves out of order and fulfilment of a cancelled order', async () => {
      await expect(lifecycle.setStatus({ id: orderId, status: 'DELIVERED' })).rejects.toBeInstanceOf(ConflictError);
      await lifecycle.cancelOrder({ id: orderId, userId: ADA });
      await expect(lifecycle.setStatus({ id: orderId, status: 'SHIPPED' })).rejects.toThrow(/is CANCELLED/);
      await expect(lifecycle.setStatus({ id: orderId, status: 'CANCELLED' as never })).rejects.toBeInstanceOf(ValidationError);
    });

    it("hides another user's order and lists each user's history newest first", async () => {
      await expect(lifecycle.getOrder({ id: orderId, userId: BOB })).rejects.toBeInstanceOf(NotFoundError);
      await expect(lifecycle.cancelOrder({ id: orderId, userId: BOB })).rejects.toBeInstanceOf(NotFoundError);
      const second = await checkout.placeOrder({ userId: ADA, items: [{ productId: GADGET.id, quantity: 1 }] });
      await checkout.placeOrder({ userId: BOB, items: [{ productId: GADGET.id, quantity: 1 }] });
      const page = await lifecycle.listOrders({ userId: ADA, limit: 10 });
      expect(page.total).toBe(2);
      expect(page.items.map((o) => o.id)).toEqual([second.id, orderId]);
      expect((await lifecycle.listOrders({ limit: 10 })).total).toBe(3);
      await expect(lifecycle.listOrders({ limit: 1000 })).rejects.toBeInstanceOf(ValidationError);
    });
  });
});
