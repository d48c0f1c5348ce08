import { clientFor, defineContract, event, request } from '../kernel/contract';

export type OrderStatus = 'PLACED';

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
  createdAt: string;
}

export interface PlaceOrder {
  userId: string;
  items: { productId: string; quantity: number }[];
}

export interface OrderPlaced {
  orderId: string;
  userId: string;
  totalCents: number;
  currency: string;
  itemCount: number;
}

export const ordersContract = defineContract('orders', {
  requests: {
    /** Not found (404) for an unknown product, conflict (409) when stock is short. */
    placeOrder: request<PlaceOrder, OrderView>(),
    /** Not found (404) when the order does not exist or belongs to another user. */
    getOrder: request<{ id: string; userId: string }, OrderView>({ idempotent: true }),
  },
  events: {
    'order.placed': event<OrderPlaced>(),
  },
});

export abstract class OrdersClient extends clientFor(ordersContract) {}
