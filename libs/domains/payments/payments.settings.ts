import { Env, readInt, SettingsError } from '@cleave/platform/config';

export interface PaymentsSettings {
  /** How long the simulated provider takes to answer a charge. */
  latencyMs: number;
  /** The share of charges the simulated provider declines at random, 0 to 1. */
  failureRate: number;
}

export const PAYMENTS_SETTINGS = Symbol('PAYMENTS_SETTINGS');

export function readPaymentsSettings(env: Env): PaymentsSettings {
  return {
    latencyMs: readInt(env, 'CLEAVE_PAYMENTS_LATENCY_MS', 20, 0, 60_000),
    failureRate: readRate(env, 'CLEAVE_PAYMENTS_FAILURE_RATE', 0),
  };
}

function readRate(env: Env, name: string, fallback: number): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0 || value > 1) throw new SettingsError(`${name} must be a number between 0 and 1, got "${raw}"`);
  return value;
}
