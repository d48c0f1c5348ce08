import { clientFor, defineContract, event, request } from '../kernel/contract';

/** VOIDED: refunded before any charge, so a charge arriving late for the order is refused. */
export type PaymentStatus = 'CHARGED' | 'DECLINED' | 'REFUNDED' | 'VOIDED';

export interface PaymentView {
  orderId: string;
  userId: string;
  amountCents: number;
  currency: string;
  status: PaymentStatus;
  /** Why it was declined, refunded or voided. */
  reason?: string;
  createdAt: string;
  updatedAt: string;
}

/** What a payment method reference looks like: one rule for the edge and every module passing it on. */
export const PAYMENT_METHOD_FORMAT = /^[A-Za-z0-9_]{1,64}$/;

export interface Charge {
  /** Charges are idempotent per order: charging twice for one order charges once. */
  orderId: string;
  userId: string;
  amountCents: number;
  currency: string;
  /**
   * The simulated provider's payment method: `pm_card_ok` (the default) is charged,
   * `pm_card_declined` always declined; any is declined at the configured failure rate.
   */
  paymentMethod?: string;
}

export interface Refund {
  orderId: string;
  userId: string;
  reason: string;
}

export interface PaymentEvent {
  orderId: string;
  userId: string;
  amountCents: number;
  currency: string;
  reason?: string;
}

export const paymentsContract = defineContract('payments', {
  requests: {
    /** Payment declined (402) when the provider refuses; conflict (409) when the order's payment was voided. */
    charge: request<Charge, PaymentView>({ idempotent: true }),
    /** Refunds a charge, or voids an order never charged (amount 0); idempotent. */
    refund: request<Refund, PaymentView>({ idempotent: true }),
    /** Not found (404) when the order has no payment (or it belongs to another user, when userId is given). */
    getPayment: request<{ orderId: string; userId?: string }, PaymentView>({ idempotent: true }),
  },
  events: {
    'payment.charged': event<PaymentEvent>(),
    'payment.declined': event<PaymentEvent>(),
    'payment.refunded': event<PaymentEvent>(),
  },
});

export abstract class PaymentsClient extends clientFor(paymentsContract) {}
