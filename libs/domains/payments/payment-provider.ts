/** What the shop asks a payment provider to take. */
export interface ProviderCharge {
  /** Doubles as the provider's idempotency key: a real provider charges one order once. */
  orderId: string;
  amountCents: number;
  currency: string;
  paymentMethod: string;
}

export type ProviderOutcome = { outcome: 'approved' } | { outcome: 'declined'; reason: string };

/**
 * The port to a payment provider. The service depends on this only; the simulated provider
 * implements it here, a real one (Stripe, Adyen...) would be another class behind it.
 */
export abstract class PaymentProvider {
  abstract charge(charge: ProviderCharge): Promise<ProviderOutcome>;

  /** Gives back what `charge` took for the order; idempotent per order, as providers' refunds are. */
  abstract refund(refund: { orderId: string; amountCents: number; currency: string }): Promise<void>;
}
