import { CreatePayments1767000000005 } from './migrations/1767000000005-create-payments';

/** The payments' schema, in order (the outbox's comes with withOutbox). */
export const PAYMENTS_MIGRATIONS = [CreatePayments1767000000005];
