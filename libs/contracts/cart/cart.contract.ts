import { clientFor, defineContract, request } from '../kernel/contract';
import { OrderView } from '../orders/orders.contract';

export interface CartItemView {
  productId: string;
  /** Current catalog data, not a copy from when the item was added. */
  name: string;
  quantity: number;
  unitPriceCents: number;
  currency: string;
  lineTotalCents: number;
  /** False when the product is gone, inactive, or has fewer units than the cart holds. */
  available: boolean;
  inStock: number;
}

export interface CartView {
  userId: string;
  items: CartItemView[];
  totalCents: number;
  /** Undefined while the cart is empty. */
  currency?: string;
  /** True when every item can be ordered as it stands. */
  checkoutReady: boolean;
}

export interface CartItem {
  userId: string;
  productId: string;
  quantity: number;
}

export interface Checkout {
  userId: string;
  /** See PlaceOrder.idempotencyKey. */
  idempotencyKey?: string;
  paymentMethod?: string;
}

export const cartContract = defineContract('cart', {
  requests: {
    getCart: request<{ userId: string }, CartView>({ idempotent: true }),
    /** Adds to the quantity already in the cart. Not found (404) for an unknown product, conflict (409) for an inactive one. */
    addItem: request<CartItem, CartView>(),
    /** Sets the quantity; 0 removes the item. */
    setItem: request<CartItem, CartView>({ idempotent: true }),
    removeItem: request<{ userId: string; productId: string }, CartView>({ idempotent: true }),
    clearCart: request<{ userId: string }, CartView>({ idempotent: true }),
    /** Places an order for the cart's items and empties the cart; validation (422) when it is empty. */
    checkout: request<Checkout, OrderView>(),
  },
});

export abstract class CartClient extends clientFor(cartContract) {}
