import { CreateCatalog1767000000002 } from './migrations/1767000000002-create-catalog';
import { CatalogCategoriesReservations1767000000202 } from './migrations/1767000000202-catalog-categories-reservations';
import { CatalogFullTextSearch1767000000302 } from './migrations/1767000000302-catalog-full-text-search';

/** The catalog's schema, in order: what the module and the specs run. */
export const CATALOG_MIGRATIONS = [CreateCatalog1767000000002, CatalogCategoriesReservations1767000000202, CatalogFullTextSearch1767000000302];
