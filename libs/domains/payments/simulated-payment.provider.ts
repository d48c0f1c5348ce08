import { setTimeout as sleep } from 'node:timers/promises';
import { PaymentProvider, ProviderCharge, ProviderOutcome } from './payment-provider';
import { PaymentsSettings } from './payments.settings';

/** The method that is always declined, as the test cards of real providers are. */
export const DECLINED_METHOD = 'pm_card_declined';

/**
 * A stand-in provider: answers after the configured latency, declines `pm_card_declined`
 * always and any charge at the configured failure rate, approves the rest.
 */
export class SimulatedPaymentProvider extends PaymentProvider {
  constructor(
    private readonly settings: PaymentsSettings,
    private readonly random: () => number = Math.random,
  ) {
    super();
  }

  async charge({ paymentMethod }: ProviderCharge): Promise<ProviderOutcome> {
    if (this.settings.latencyMs > 0) await sleep(this.settings.latencyMs);
    if (paymentMethod === DECLINED_METHOD) return { outcome: 'declined', reason: 'card declined' };
    if (this.random() < this.settings.failureRate) return { outcome: 'declined', reason: 'simulated decline' };
    return { outcome: 'approved' };
  }

  async refund(): Promise<void> {
    if (this.settings.latencyMs > 0) await sleep(this.settings.latencyMs);
  }
}
