import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { ConflictError, NotFoundError, PaymentDeclinedError, ValidationError } from '@cleave/contracts/kernel/errors';
import { Charge, PAYMENT_METHOD_FORMAT, PaymentEvent, paymentsContract, PaymentView, Refund } from '@cleave/contracts/payments/payments.contract';
import { isUniqueViolation, LeanSql } from '@cleave/platform/database';
import { Outbox } from '@cleave/platform/outbox';
import { Payment } from './payment.entity';
import { PaymentProvider } from './payment-provider';

export const DEFAULT_METHOD = 'pm_card_ok';
/** ISO 4217's code for "no currency": a void moved no money. */
const NO_CURRENCY = 'XXX';
const ID = /^[A-Za-z0-9-]{1,36}$/;
const CURRENCY = /^[A-Z]{3}$/;
const MAX_REASON = 500;

/*
 * A charge's two statements, hand-written: TypeORM's entity read and insert were about a
 * fifth of the split payments process's CPU and 46% of a monolith checkout's (issue 16).
 */
const BY_ORDER = `SELECT order_id, user_id, amount_cents, currency, status, reason, payment_method, created_at, updated_at FROM payments WHERE order_id = ?`;
const INSERT = `INSERT INTO payments (order_id, user_id, amount_cents, currency, status, reason, payment_method, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`;

interface PaymentRow {
  order_id: string;
  user_id: string;
  /** bigint: a string from PostgreSQL. */
  amount_cents: number | string;
  currency: string;
  status: Payment['status'];
  reason: string | null;
  payment_method: string | null;
  created_at: string;
  updated_at: string;
}

@Injectable()
export class PaymentsService {
  private readonly sql: LeanSql;

  constructor(
    @InjectRepository(Payment, 'payments') private readonly payments: Repository<Payment>,
    private readonly outbox: Outbox,
    private readonly provider: PaymentProvider,
  ) {
    this.sql = new LeanSql(payments.manager.connection);
  }

  /**
   * Charges an order once. A repeated charge answers what the first one stored (the payment,
   * or its decline) without asking the provider again; a voided or refunded order is refused.
   */
  async charge(request: Charge): Promise<PaymentView> {
    const { orderId, userId, amountCents, currency, paymentMethod } = checkCharge(request);
    const [existing] = await this.sql.rows<PaymentRow>(this.payments.manager, BY_ORDER, [orderId]);
    if (existing) return settled(fromRow(existing));

    // Two concurrent first charges both reach the provider; a real provider is keyed by the
    // order id and takes the money once, and only one row below wins.
    const answer = await this.provider.charge({ orderId, amountCents, currency, paymentMethod });
    const now = new Date().toISOString();
    const payment: Payment = {
      orderId,
      userId,
      amountCents,
      currency,
      status: answer.outcome === 'approved' ? 'CHARGED' : 'DECLINED',
      reason: answer.outcome === 'declined' ? answer.reason.slice(0, MAX_REASON) : null,
      paymentMethod,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.outbox.transaction(async (tx) => {
        await this.sql.changed(tx.manager, INSERT, [orderId, userId, amountCents, currency, payment.status, payment.reason, paymentMethod, now, now]);
        tx.publish(paymentsContract, payment.status === 'CHARGED' ? 'payment.charged' : 'payment.declined', toEvent(payment));
      });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      // A concurrent charge (or a void) for the order committed first: its answer is ours.
      const winner = await this.payments.findOneByOrFail({ orderId });
      // Voided while the provider was approving: give the money back, or it is kept for a cancelled order.
      if (answer.outcome === 'approved' && winner.status !== 'CHARGED') await this.provider.refund({ orderId, amountCents, currency });
      return settled(winner);
    }
    return settled(payment);
  }

  /**
   * Gives a charge back; leaves a declined, refunded or voided payment as it is. An order
   * never charged gets a VOIDED mark, so a charge arriving late for it is refused.
   */
  async refund(request: Refund): Promise<PaymentView> {
    const { orderId, userId, reason } = checkRefund(request);
    // Twice at most: a charge may commit between not finding a payment and voiding it.
    for (let attempt = 0; ; attempt++) {
      const existing = await this.payments.findOneBy({ orderId });
      if (existing?.status === 'CHARGED') return this.refundCharge(existing, reason);
      if (existing) return toView(existing);
      try {
        return toView(await this.void(orderId, userId, reason));
      } catch (error) {
        if (!isUniqueViolation(error) || attempt > 0) throw error;
      }
    }
  }

  /** Not found when the order has no payment, or it is someone else's (when userId is given). */
  async getPayment({ orderId, userId }: { orderId: string; userId?: string }): Promise<PaymentView> {
    const payment = typeof orderId === 'string' && ID.test(orderId) ? await this.payments.findOneBy({ orderId }) : null;
    // Someone else's payment is reported exactly like a missing one: existence is not leaked.
    if (!payment || (userId !== undefined && payment.userId !== userId)) throw new NotFoundError(`Payment for order ${orderId} not found`);
    return toView(payment);
  }

  private async refundCharge(payment: Payment, reason: string): Promise<PaymentView> {
    // The provider first: if it fails the payment stays CHARGED and the refund is retried.
    await this.provider.refund({ orderId: payment.orderId, amountCents: payment.amountCents, currency: payment.currency });
    const updatedAt = new Date().toISOString();
    await this.outbox.transaction(async (tx) => {
      // Conditional: of two concurrent refunds only one moves the row, and only it announces.
      const result = await tx.manager
        .createQueryBuilder()
        .update(Payment)
        .set({ status: 'REFUNDED', reason, updatedAt })
        .where('order_id = :orderId AND status = :status', { orderId: payment.orderId, status: 'CHARGED' })
        .execute();
      if (result.affected === 1) tx.publish(paymentsContract, 'payment.refunded', toEvent({ ...payment, reason }));
    });
    return toView(await this.payments.findOneByOrFail({ orderId: payment.orderId }));
  }

  private async void(orderId: string, userId: string, reason: string): Promise<Payment> {
    const now = new Date().toISOString();
    const tombstone: Payment = { orderId, userId, amountCents: 0, currency: NO_CURRENCY, status: 'VOIDED', reason, paymentMethod: null, createdAt: now, updatedAt: now };
    // Through the outbox's transaction for its write queue; nothing was taken, so nothing is announced.
    await this.outbox.transaction((tx) => tx.manager.insert(Payment, tombstone));
    return tombstone;
  }
}

/** A stored payment as the answer to a charge: the payment, or the error it stands for. */
function settled(payment: Payment): PaymentView {
  switch (payment.status) {
    case 'CHARGED':
      return toView(payment);
    case 'DECLINED':
      throw new PaymentDeclinedError(`Payment declined: ${payment.reason ?? 'declined'}`, { orderId: payment.orderId, reason: payment.reason });
    case 'REFUNDED':
      throw new ConflictError(`Payment for order ${payment.orderId} was refunded`, { orderId: payment.orderId, status: payment.status });
    case 'VOIDED':
      throw new ConflictError(`Payment for order ${payment.orderId} was voided`, { orderId: payment.orderId, status: payment.status });
  }
}

function checkCharge(request: Charge): Required<Charge> {
  const { orderId, userId, amountCents, currency, paymentMethod = DEFAULT_METHOD } = request ?? ({} as Charge);
  checkId(orderId, 'orderId');
  checkId(userId, 'userId');
  if (!Number.isSafeInteger(amountCents) || amountCents < 1) {
    throw new ValidationError('amountCents must be a positive integer (minor units)', { amountCents });
  }
  if (typeof currency !== 'string' || !CURRENCY.test(currency)) throw new ValidationError('currency must be a three-letter ISO 4217 code', { currency });
  if (typeof paymentMethod !== 'string' || !PAYMENT_METHOD_FORMAT.test(paymentMethod)) throw new ValidationError('paymentMethod must be 1 to 64 letters, digits or underscores');
  return { orderId, userId, amountCents, currency, paymentMethod };
}

function checkRefund(request: Refund): Refund {
  const { orderId, userId, reason } = request ?? ({} as Refund);
  checkId(orderId, 'orderId');
  checkId(userId, 'userId');
  if (typeof reason !== 'string' || !reason.trim()) throw new ValidationError('reason is required');
  return { orderId, userId, reason: reason.slice(0, MAX_REASON) };
}

function checkId(value: unknown, name: string): void {
  if (typeof value !== 'string' || !ID.test(value)) throw new ValidationError(`${name} must be an id (letters, digits and dashes, at most 36)`, { [name]: value });
}

function fromRow(row: PaymentRow): Payment {
  return {
    orderId: row.order_id,
    userId: row.user_id,
    amountCents: Number(row.amount_cents),
    currency: row.currency,
    status: row.status,
    reason: row.reason,
    paymentMethod: row.payment_method,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toEvent(payment: Payment): PaymentEvent {
  const event: PaymentEvent = { orderId: payment.orderId, userId: payment.userId, amountCents: payment.amountCents, currency: payment.currency };
  if (payment.reason) event.reason = payment.reason;
  return event;
}

function toView(payment: Payment): PaymentView {
  const view: PaymentView = {
    orderId: payment.orderId,
    userId: payment.userId,
    amountCents: Number(payment.amountCents),
    currency: payment.currency,
    status: payment.status,
    createdAt: payment.createdAt,
    updatedAt: payment.updatedAt,
  };
  if (payment.reason) view.reason = payment.reason;
  return view;
}
