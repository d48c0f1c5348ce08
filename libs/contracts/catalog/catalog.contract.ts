import { clientFor, defineContract, request } from '../kernel/contract';

export interface ProductView {
  id: string;
  name: string;
  description: string;
  category: string;
  /** Integer minor units (cents); money is never a float. */
  priceCents: number;
  currency: string;
  /** An inactive product is not listed and cannot be ordered. */
  active: boolean;
  /** Units available to order (reserved units are already taken off). */
  stock: number;
  createdAt: string;
  updatedAt: string;
}

export interface CreateProduct {
  name: string;
  description?: string;
  category?: string;
  priceCents: number;
  currency?: string;
  stock?: number;
  active?: boolean;
}

/** Admin: any subset of the fields; `active: false` deactivates. */
export interface UpdateProduct {
  id: string;
  name?: string;
  description?: string;
  category?: string;
  priceCents?: number;
  currency?: string;
  active?: boolean;
}

/** Admin: adds (or with a negative delta removes) stock; conflict (409) below zero. */
export interface AdjustStock {
  id: string;
  delta: number;
}

export type ProductSort = 'price' | '-price' | 'name' | 'newest';

export interface ListProducts {
  limit?: number;
  offset?: number;
  category?: string;
  /** Words to find in name and description: each starts a word of the product, in any case (a full-text index). */
  q?: string;
  sort?: ProductSort;
  /** Admin: list deactivated products too. */
  includeInactive?: boolean;
}

export interface ProductPage {
  items: ProductView[];
  total: number;
  limit: number;
  offset: number;
}

export interface StockLine {
  productId: string;
  quantity: number;
}

export interface ReserveStock {
  /** Reservations are idempotent per order: reserving twice for one order takes stock once. */
  orderId: string;
  items: StockLine[];
}

/**
 * RESERVED holds stock until committed, released, or expired (released by catalog when a
 * saga never finishes); COMMITTED stock is sold; RELEASED stock is back on the shelf.
 */
export type ReservationStatus = 'RESERVED' | 'COMMITTED' | 'RELEASED';

export interface Reservation {
  orderId: string;
  items: StockLine[];
  status: ReservationStatus;
  /** When a RESERVED reservation is released unless committed. */
  expiresAt: string;
}

export const catalogContract = defineContract('catalog', {
  requests: {
    createProduct: request<CreateProduct, ProductView>(),
    /** Not found (404) for an unknown id. */
    updateProduct: request<UpdateProduct, ProductView>({ idempotent: true }),
    adjustStock: request<AdjustStock, ProductView>(),
    listProducts: request<ListProducts, ProductPage>({ idempotent: true }),
    /** Not found (404) for an unknown id; inactive products are returned with `active: false`. */
    getProduct: request<{ id: string }, ProductView>({ idempotent: true }),
    /** The products that exist among `ids`, in no particular order; unknown ids are left out. */
    getProducts: request<{ ids: string[] }, ProductView[]>({ idempotent: true }),
    /**
     * All or nothing; conflict (409) when any line is short or its product inactive, or when
     * the order's reservation was already released; not found (404) for an unknown product.
     */
    reserveStock: request<ReserveStock, Reservation>({ idempotent: true }),
    /** The stock is sold. Conflict (409) when the reservation was released (or expired). */
    commitReservation: request<{ orderId: string }, Reservation>({ idempotent: true }),
    /**
     * Puts reserved or committed stock back. Releasing an order never reserved leaves a
     * RELEASED mark, so a reservation arriving late for it is refused.
     */
    releaseReservation: request<{ orderId: string }, Reservation>({ idempotent: true }),
  },
});

export abstract class CatalogClient extends clientFor(catalogContract) {}
