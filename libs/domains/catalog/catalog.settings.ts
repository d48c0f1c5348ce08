import { Env, readInt } from '@cleave/platform/config';

export interface CatalogSettings {
  /** How long a RESERVED reservation holds stock before the sweep releases it. */
  reservationTtlMs: number;
  /** How often the sweep looks for expired reservations. */
  reservationSweepMs: number;
}

export const CATALOG_SETTINGS = Symbol('CATALOG_SETTINGS');

/** The time as the catalog sees it; a test passes its own. */
export type Clock = () => Date;
export const CATALOG_CLOCK = Symbol('CATALOG_CLOCK');

export function readCatalogSettings(env: Env): CatalogSettings {
  return {
    reservationTtlMs: readInt(env, 'CLEAVE_RESERVATION_TTL_MS', 900_000, 1),
    reservationSweepMs: readInt(env, 'CLEAVE_RESERVATION_SWEEP_MS', 30_000, 10),
  };
}
