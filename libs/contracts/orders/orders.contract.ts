import { clientFor, defineContract, event, request } from '../kernel/contract';

/**
 * PENDING while the checkout saga runs; CONFIRMED once stock is committed and payment taken;
 * then PAID, SHIPPED, DELIVERED as an admin moves it on. CANCELLED by a failed checkout
 * (with its reason) or by the customer before shipping (refunded, stock released).
 */
export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED';

/** The statuses an admin may set. */
export type FulfilmentStatus = 'PAID' | 'SHIPPED' | 'DELIVERED';

export interface OrderLine {
  productId: string;
  name: string;
  quantity: number;
  unitPriceCents: number;
}

export interface OrderView {
  id: string;
  userId: string;
  status: OrderStatus;
  items: OrderLine[];
  totalCents: number;
  currency: string;
  /** Why it was cancelled. */
  cancelReason?: string;
  createdAt: string;
  updatedAt: string;
}

/** What an Idempotency-Key looks like (1 to 100 printable ASCII characters): one rule everywhere it is checked. */
export const IDEMPOTENCY_KEY_FORMAT = /^[\x20-\x7E]{1,100}$/;

export interface PlaceOrder {
  userId: string;
  items: { productId: string; quantity: number }[];
  /**
   * The client's key for this checkout: a repeated request with the same key returns the
   * first one's result (its order, or its error), never a second order.
   */
  idempotencyKey?: string;
  /** Passed to payments, see Charge.paymentMethod. */
  paymentMethod?: string;
}

export interface ListOrders {
  /** One user's orders; omitted (admin) for everyone's. */
  userId?: string;
  status?: OrderStatus;
  limit?: number;
  offset?: number;
}

export interface OrderPage {
  items: OrderView[];
  total: number;
  limit: number;
  offset: number;
}

export interface OrderConfirmed {
  orderId: string;
  userId: string;
  totalCents: number;
  currency: string;
  itemCount: number;
}

export interface OrderCancelled {
  orderId: string;
  userId: string;
  reason: string;
}

export interface OrderStatusChanged {
  orderId: string;
  userId: string;
  status: FulfilmentStatus;
}

export const ordersContract = defineContract('orders', {
  requests: {
    /**
     * Runs the checkout saga and answers with the CONFIRMED order. Not found (404) for an
     * unknown product, conflict (409) when stock is short, payment declined (402); after a
     * failure the order is CANCELLED with everything compensated.
     */
    placeOrder: request<PlaceOrder, OrderView>(),
    /** Not found (404) when the order does not exist or belongs to another user (when userId is given). */
    getOrder: request<{ id: string; userId?: string }, OrderView>({ idempotent: true }),
    /** Newest first. */
    listOrders: request<ListOrders, OrderPage>({ idempotent: true }),
    /** The customer's cancel, before shipping: refunds and releases. Conflict (409) once shipped. */
    cancelOrder: request<{ id: string; userId?: string; reason?: string }, OrderView>({ idempotent: true }),
    /** Admin: PAID, SHIPPED, DELIVERED in that order; conflict (409) for any other move. */
    setStatus: request<{ id: string; status: FulfilmentStatus }, OrderView>({ idempotent: true }),
  },
  events: {
    'order.confirmed': event<OrderConfirmed>(),
    'order.cancelled': event<OrderCancelled>(),
    'order.status-changed': event<OrderStatusChanged>(),
  },
});

export abstract class OrdersClient extends clientFor(ordersContract) {}
