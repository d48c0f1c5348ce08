import { z } from 'zod';
import { defineSettings, setting } from '@cleave/platform/config';

/** The points of the checkout saga where a test can hold it (CLEAVE_SAGA_PAUSE). */
export type SagaPausePoint = 'reserved' | 'charged';

const pauses = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const found = new Map<SagaPausePoint, number>();
    for (const part of (value ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
      const [point, ms] = part.split('=');
      if ((point !== 'reserved' && point !== 'charged') || !/^\d+$/.test(ms ?? '')) {
        ctx.addIssue({ code: 'custom', message: `has "${part}", which is not reserved=<ms> or charged=<ms>` });
        return z.NEVER;
      }
      found.set(point, Number(ms));
    }
    return found as ReadonlyMap<SagaPausePoint, number>;
  });

/** How checkouts are driven, recovered and (in tests) held. */
export class OrdersSettings extends defineSettings('orders', 'Orders and the checkout saga', {
  sagaLeaseMs: setting.int('CLEAVE_SAGA_LEASE_MS', { default: 30_000, min: 100, doc: "how long a checkout's driver owns it without progress before another instance takes over" }),
  sagaRecoveryMs: setting.int('CLEAVE_SAGA_RECOVERY_MS', { default: 5000, min: 10, doc: 'how often each orders instance resumes or compensates interrupted checkouts' }),
  sagaMaxBackoffMs: setting.int('CLEAVE_SAGA_MAX_BACKOFF_MS', { default: 60_000, min: 10, doc: 'longest wait between attempts to move a failing checkout on' }),
  /**
   * Test and chaos knob: `reserved=30000,charged=5000` holds every checkout that long after
   * its stock is reserved / its payment is charged, so a test can kill the process there.
   */
  sagaPauses: setting.custom('CLEAVE_SAGA_PAUSE', pauses, {
    defaultDoc: 'unset',
    doc: 'test knob: `reserved=<ms>` or `charged=<ms>` holds every checkout there',
  }),
}) {}
