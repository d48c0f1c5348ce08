import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, PaymentDeclinedError, ValidationError } from '@cleave/contracts/kernel/errors';
import { WriteQueue } from '@cleave/platform/database';
import { Outbox, OUTBOX_MIGRATIONS, OutboxMessage, OutboxRelay } from '@cleave/platform/outbox';
import { Payment } from './payment.entity';
import { CreatePayments1767000000005 } from './migrations/1767000000005-create-payments';
import { PaymentProvider, ProviderCharge, ProviderOutcome } from './payment-provider';
import { PaymentsService } from './payments.service';
import { applySettings } from '@cleave/platform/config';
import { PaymentsSettings } from './payments.settings';

const readPaymentsSettings = (env: Record<string, string>) => ({ ...PaymentsSettings.from(env) });
import { SimulatedPaymentProvider } from './simulated-payment.provider';

const ADA = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BOB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const ORDER = '11111111-1111-4111-8111-111111111111';
const OTHER_ORDER = '22222222-2222-4222-8222-222222222222';

/** The simulated provider without latency, counting what it was asked. */
class CountingProvider extends PaymentProvider {
  readonly calls: ProviderCharge[] = [];
  readonly refunds: string[] = [];
  /** When set, charges wait for it: a provider slower than the saga's compensation. */
  gate?: Promise<void>;
  private readonly inner: SimulatedPaymentProvider;

  constructor(failureRate = 0) {
    super();
    this.inner = new SimulatedPaymentProvider({ latencyMs: 0, failureRate });
  }

  async charge(charge: ProviderCharge): Promise<ProviderOutcome> {
    this.calls.push(charge);
    await this.gate;
    return this.inner.charge(charge);
  }

  async refund({ orderId }: { orderId: string }): Promise<void> {
    this.refunds.push(orderId);
  }
}

describe('PaymentsService', () => {
  let dataSource: DataSource;
  let provider: CountingProvider;
  let service: PaymentsService;
  const charge = (overrides: Record<string, unknown> = {}) =>
    service.charge({ orderId: ORDER, userId: ADA, amountCents: 4049, currency: 'USD', ...overrides });
  const outboxRows = () => dataSource.getRepository(OutboxMessage).find({ order: { seq: 'ASC' } });
  const build = (failureRate = 0) => {
    provider = new CountingProvider(failureRate);
    const relay = { kick: () => undefined } as unknown as OutboxRelay;
    service = new PaymentsService(dataSource.getRepository(Payment), new Outbox(dataSource, new WriteQueue(dataSource), relay), provider);
  };

  beforeEach(async () => {
    dataSource = new DataSource({
      type: 'better-sqlite3',
      database: ':memory:',
      entities: [Payment, OutboxMessage],
      migrations: [CreatePayments1767000000005, ...OUTBOX_MIGRATIONS],
      migrationsRun: true,
    });
    await dataSource.initialize();
    build();
  });

  afterEach(() => dataSource.destroy());

  it('charges an order once, whatever the number of requests', async () => {
    const first = await charge();
    expect(first).toEqual({ orderId: ORDER, userId: ADA, amountCents: 4049, currency: 'USD', status: 'CHARGED', createdAt: expect.any(String), updatedAt: expect.any(String) });
    await expect(charge()).resolves.toEqual(first);
    expect(provider.calls).toEqual([{ orderId: ORDER, amountCents: 4049, currency: 'USD', paymentMethod: 'pm_card_ok' }]);
    expect(await dataSource.getRepository(Payment).count()).toBe(1);
  });

  it('writes payment.charged in the outbox with the payment', async () => {
    await charge();
    const rows = await outboxRows();
    expect(rows.map((r) => [r.event, JSON.parse(r.payload)])).toEqual([
      ['payment.charged', { orderId: ORDER, userId: ADA, amountCents: 4049, currency: 'USD' }],
    ]);
  });

  it('writes neither the payment nor its event when the event cannot be written', async () => {
    await dataSource.query('DROP TABLE outbox');
    // Matched by message: better-sqlite3's error class comes from the first test file's realm.
    await expect(charge()).rejects.toMatchObject({ message: expect.stringMatching(/no such table: outbox/) });
    expect(await dataSource.getRepository(Payment).count()).toBe(0);
  });

  it('stores a decline and answers a repeated charge with the same decline, without asking again', async () => {
    const first = await charge({ paymentMethod: 'pm_card_declined' }).catch((e: unknown) => e);
    expect(first).toBeInstanceOf(PaymentDeclinedError);
    expect(first).toMatchObject({ status: 402, message: 'Payment declined: card declined' });
    const again = await charge().catch((e: unknown) => e);
    expect(again).toBeInstanceOf(PaymentDeclinedError);
    expect(again).toMatchObject({ message: 'Payment declined: card declined' });
    expect(provider.calls).toHaveLength(1);
    await expect(service.getPayment({ orderId: ORDER })).resolves.toMatchObject({ status: 'DECLINED', reason: 'card declined' });
    expect((await outboxRows()).map((r) => [r.event, JSON.parse(r.payload)])).toEqual([
      ['payment.declined', { orderId: ORDER, userId: ADA, amountCents: 4049, currency: 'USD', reason: 'card declined' }],
    ]);
  });

  it('declines every charge at a failure rate of 1', async () => {
    build(1);
    await expect(charge()).rejects.toMatchObject({ status: 402, message: 'Payment declined: simulated decline' });
    await expect(charge({ orderId: OTHER_ORDER })).rejects.toBeInstanceOf(PaymentDeclinedError);
    expect(provider.calls).toHaveLength(2);
  });

  it('voids an order refunded before any charge, and refuses the late charge with 409', async () => {
    const voided = await service.refund({ orderId: ORDER, userId: ADA, reason: 'saga timed out' });
    expect(voided).toMatchObject({ orderId: ORDER, status: 'VOIDED', amountCents: 0, reason: 'saga timed out' });
    const late = await charge().catch((e: unknown) => e);
    expect(late).toBeInstanceOf(ConflictError);
    expect(late).toMatchObject({ status: 409, message: `Payment for order ${ORDER} was voided` });
    expect(provider.calls).toEqual([]);
    await expect(service.refund({ orderId: ORDER, userId: ADA, reason: 'again' })).resolves.toEqual(voided);
    expect(await outboxRows()).toEqual([]);
  });

  it('gives the money back when the order was voided while the provider approved its charge', async () => {
    let open!: () => void;
    provider.gate = new Promise((resolve) => (open = resolve));
    const late = charge();
    await service.refund({ orderId: ORDER, userId: ADA, reason: 'saga gave up' });
    open();
    await expect(late).rejects.toMatchObject({ status: 409 });
    expect(provider.refunds).toEqual([ORDER]);
    expect(await service.getPayment({ orderId: ORDER })).toMatchObject({ status: 'VOIDED' });
  });

    it('refunds a charge once, however often asked', async () => {
    await charge();
    const [first, second] = await Promise.all([
      service.refund({ orderId: ORDER, userId: ADA, reason: 'customer cancelled' }),
      service.refund({ orderId: ORDER, userId: ADA, reason: 'customer cancelled' }),
    ]);
    expect(first).toMatchObject({ status: 'REFUNDED', amountCents: 4049, reason: 'customer cancelled' });
    expect(second).toEqual(first);
    await expect(service.refund({ orderId: ORDER, userId: ADA, reason: 'later' })).resolves.toEqual(first);
    expect(provider.refunds.length).toBeGreaterThanOrEqual(1);
    expect((await outboxRows()).map((r) => r.event)).toEqual(['payment.charged', 'payment.refunded']);
    await expect(charge()).rejects.toMatchObject({ status: 409, message: `Payment for order ${ORDER} was refunded` });
  });

  it('leaves a declined payment as it is when refunded', async () => {
    await charge({ paymentMethod: 'pm_card_declined' }).catch(() => undefined);
    await expect(service.refund({ orderId: ORDER, userId: ADA, reason: 'stock short' })).resolves.toMatchObject({ status: 'DECLINED', reason: 'card declined' });
    expect((await outboxRows()).map((r) => r.event)).toEqual(['payment.declined']);
  });

  it('answers the loser of a concurrent first charge with what the winner stored', async () => {
    const results = await Promise.all([charge(), charge(), charge()]);
    expect(new Set(results.map((r) => JSON.stringify(r))).size).toBe(1);
    expect(await dataSource.getRepository(Payment).count()).toBe(1);
    expect((await outboxRows()).map((r) => r.event)).toEqual(['payment.charged']);
  });

  it("reports a missing payment and another user's alike", async () => {
    await charge();
    await expect(service.getPayment({ orderId: ORDER, userId: ADA })).resolves.toMatchObject({ status: 'CHARGED' });
    await expect(service.getPayment({ orderId: ORDER, userId: BOB })).rejects.toThrow(new NotFoundError(`Payment for order ${ORDER} not found`));
    await expect(service.getPayment({ orderId: OTHER_ORDER })).rejects.toBeInstanceOf(NotFoundError);
  });

  it.each([
    ['a zero amount', { amountCents: 0 }],
    ['a fractional amount', { amountCents: 12.5 }],
    ['an amount given as a string', { amountCents: '100' }],
    ['a lower-case currency', { currency: 'usd' }],
    ['a four-letter currency', { currency: 'EURO' }],
    ['a missing order id', { orderId: undefined }],
    ['a malformed user id', { userId: 'not an id!' }],
    ['an empty payment method', { paymentMethod: ' ' }],
  ])('rejects %s with 422 before asking the provider', async (_, overrides) => {
    await expect(charge(overrides)).rejects.toBeInstanceOf(ValidationError);
    expect(provider.calls).toEqual([]);
  });

  it('rejects a refund without a reason', async () => {
    await expect(service.refund({ orderId: ORDER, userId: ADA, reason: '' })).rejects.toBeInstanceOf(ValidationError);
  });
});

describe('payments settings and the simulated provider', () => {
  it('defaults to 20 ms and no failures, and refuses bad values', () => {
    expect(readPaymentsSettings({})).toEqual({ latencyMs: 20, failureRate: 0 });
    expect(readPaymentsSettings({ CLEAVE_PAYMENTS_LATENCY_MS: '0', CLEAVE_PAYMENTS_FAILURE_RATE: '0.25' })).toEqual({ latencyMs: 0, failureRate: 0.25 });
    expect(() => readPaymentsSettings({ CLEAVE_PAYMENTS_FAILURE_RATE: '1.5' })).toThrow(/CLEAVE_PAYMENTS_FAILURE_RATE must be a number between 0 and 1/);
    expect(() => readPaymentsSettings({ CLEAVE_PAYMENTS_FAILURE_RATE: 'often' })).toThrow(/CLEAVE_PAYMENTS_FAILURE_RATE/);
    expect(() => readPaymentsSettings({ CLEAVE_PAYMENTS_LATENCY_MS: '-5' })).toThrow(/CLEAVE_PAYMENTS_LATENCY_MS/);
  });

  it('follows its knobs while running', async () => {
    const settings = PaymentsSettings.from({ CLEAVE_PAYMENTS_LATENCY_MS: '0' });
    const provider = new SimulatedPaymentProvider(settings, () => 0.5);
    const charge = { orderId: ORDER, amountCents: 100, currency: 'USD', paymentMethod: 'pm_card_ok' };
    await expect(provider.charge(charge)).resolves.toEqual({ outcome: 'approved' });
    applySettings(settings, { failureRate: 1 });
    await expect(provider.charge(charge)).resolves.toEqual({ outcome: 'declined', reason: 'simulated decline' });
  });

  it('declines at the failure rate, and pm_card_declined always', async () => {
    const charge = { orderId: ORDER, amountCents: 100, currency: 'USD', paymentMethod: 'pm_card_ok' };
    const draws = [0.1, 0.9];
    const provider = new SimulatedPaymentProvider(PaymentsSettings.from({ CLEAVE_PAYMENTS_LATENCY_MS: '0', CLEAVE_PAYMENTS_FAILURE_RATE: '0.5' }), () => draws.shift()!);
    await expect(provider.charge(charge)).resolves.toEqual({ outcome: 'declined', reason: 'simulated decline' });
    await expect(provider.charge(charge)).resolves.toEqual({ outcome: 'approved' });
    const never = new SimulatedPaymentProvider(PaymentsSettings.from({ CLEAVE_PAYMENTS_LATENCY_MS: '0' }));
    await expect(never.charge({ ...charge, paymentMethod: 'pm_card_declined' })).resolves.toEqual({ outcome: 'declined', reason: 'card declined' });
  });

  it('answers after the configured latency', async () => {
    const provider = new SimulatedPaymentProvider({ latencyMs: 30, failureRate: 0 });
    const started = Date.now();
    await provider.charge({ orderId: ORDER, amountCents: 100, currency: 'USD', paymentMethod: 'pm_card_ok' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
  });
});
