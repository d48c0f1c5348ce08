import { CreateOrders1767000000003 } from './migrations/1767000000003-create-orders';
import { CheckoutSaga1767000001003 } from './migrations/1767000001003-checkout-saga';
import { OrdersByCustomer1767000002003 } from './migrations/1767000002003-orders-by-customer';

/** The orders schema, in order (the outbox's tables come with withOutbox): what the module and the specs run. */
export const ORDERS_MIGRATIONS = [CreateOrders1767000000003, CheckoutSaga1767000001003, OrdersByCustomer1767000002003];
