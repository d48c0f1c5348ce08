import { CreateCart1767000000006 } from './migrations/1767000000006-create-cart';

/** The cart's schema, in order. */
export const CART_MIGRATIONS = [CreateCart1767000000006];
