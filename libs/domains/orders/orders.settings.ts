import { Env, readInt, readOptional, SettingsError } from '@cleave/platform/config';

/** The points of the checkout saga where a test can hold it (CLEAVE_SAGA_PAUSE). */
export type SagaPausePoint = 'reserved' | 'charged';

export interface OrdersSettings {
  /** How long a saga's driver owns it without progress before another instance takes over. */
  sagaLeaseMs: number;
  /** How often each instance looks for sagas to resume or compensate. */
  sagaRecoveryMs: number;
  /** Longest wait between attempts to move a failing saga on. */
  sagaMaxBackoffMs: number;
  /**
   * Test and chaos knob: `reserved=30000,charged=5000` holds every checkout that long after
   * its stock is reserved / its payment is charged, so a test can kill the process there.
   */
  sagaPauses: ReadonlyMap<SagaPausePoint, number>;
}

export const ORDERS_SETTINGS = Symbol('ORDERS_SETTINGS');

export function readOrdersSettings(env: Env): OrdersSettings {
  return {
    sagaLeaseMs: readInt(env, 'CLEAVE_SAGA_LEASE_MS', 30_000, 100),
    sagaRecoveryMs: readInt(env, 'CLEAVE_SAGA_RECOVERY_MS', 5000, 10),
    sagaMaxBackoffMs: readInt(env, 'CLEAVE_SAGA_MAX_BACKOFF_MS', 60_000, 10),
    sagaPauses: parsePauses(readOptional(env, 'CLEAVE_SAGA_PAUSE')),
  };
}

function parsePauses(value: string | undefined): Map<SagaPausePoint, number> {
  const pauses = new Map<SagaPausePoint, number>();
  for (const part of (value ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [point, ms] = part.split('=');
    if ((point !== 'reserved' && point !== 'charged') || !/^\d+$/.test(ms ?? '')) {
      throw new SettingsError(`CLEAVE_SAGA_PAUSE: "${part}" is not reserved=<ms> or charged=<ms>`);
    }
    pauses.set(point, Number(ms));
  }
  return pauses;
}
