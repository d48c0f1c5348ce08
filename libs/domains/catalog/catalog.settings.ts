import { defineSettings, setting } from '@cleave/platform/config';

/** How long unconfirmed stock reservations hold stock. */
export class CatalogSettings extends defineSettings('catalog', 'Catalog', {
  reservationTtlMs: setting.int('CLEAVE_RESERVATION_TTL_MS', { default: 900_000, min: 1, doc: 'a stock reservation never committed is released after this' }),
  reservationSweepMs: setting.int('CLEAVE_RESERVATION_SWEEP_MS', { default: 30_000, min: 10, doc: 'how often catalog releases expired reservations' }),
}) {}

/** The time as the catalog sees it; a test passes its own. */
export type Clock = () => Date;
export const CATALOG_CLOCK = Symbol('CATALOG_CLOCK');
