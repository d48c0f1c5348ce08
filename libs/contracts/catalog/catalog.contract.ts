import { clientFor, defineContract, request } from '../kernel/contract';

export interface ProductView {
  id: string;
  name: string;
  description: string;
  /** Integer minor units (cents); money is never a float. */
  priceCents: number;
  currency: string;
  stock: number;
  createdAt: string;
}

export interface CreateProduct {
  name: string;
  description?: string;
  priceCents: number;
  currency?: string;
  stock?: number;
}

export interface ListProducts {
  limit?: number;
  offset?: number;
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

export interface Reservation {
  orderId: string;
  items: StockLine[];
}

export const catalogContract = defineContract('catalog', {
  requests: {
    createProduct: request<CreateProduct, ProductView>(),
    listProducts: request<ListProducts, ProductPage>({ idempotent: true }),
    /** Not found (404) for an unknown id. */
    getProduct: request<{ id: string }, ProductView>({ idempotent: true }),
    /** The products that exist among `ids`, in no particular order; unknown ids are left out. */
    getProducts: request<{ ids: string[] }, ProductView[]>({ idempotent: true }),
    /** All or nothing; conflict (409) when any line is short, not found (404) for an unknown product. */
    reserveStock: request<ReserveStock, Reservation>({ idempotent: true }),
  },
});

export abstract class CatalogClient extends clientFor(catalogContract) {}
