import { defineSettings, setting } from '@cleave/platform/config';

/** The payment simulator's knobs; both live, read on every charge. */
export class PaymentsSettings extends defineSettings('payments', 'Payments simulator', {
  latencyMs: setting.int('CLEAVE_PAYMENTS_LATENCY_MS', { default: 20, max: 60_000, live: true, doc: "the payment simulator's latency per charge" }),
  failureRate: setting.number('CLEAVE_PAYMENTS_FAILURE_RATE', { default: 0, min: 0, max: 1, live: true, doc: 'share of charges the simulator declines (0 to 1)' }),
}) {}
