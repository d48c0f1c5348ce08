import { CartItemView, CartView } from '@cleave/contracts/cart/cart.contract';
import { ProductView } from '@cleave/contracts/catalog/catalog.contract';
import { CartItem } from './cart-item.entity';

/**
 * The cart as the customer sees it now: every line priced from the catalog's current data.
 * A product that is gone shows with empty name and currency, zero price, unavailable. The
 * cart's currency is that of its oldest line; the total adds the lines in that currency, and
 * a cart mixing currencies is not ready for checkout (an order has one currency).
 */
export function cartView(userId: string, rows: CartItem[], products: ProductView[]): CartView {
  if (rows.length === 0) return { userId, items: [], totalCents: 0, checkoutReady: false };
  const byId = new Map(products.map((p) => [p.id, p]));
  const items = rows.map((row) => itemView(row, byId.get(row.productId)));
  const currencies = [...new Set(items.filter((i) => byId.has(i.productId)).map((i) => i.currency))];
  const currency = currencies[0];
  const view: CartView = {
    userId,
    items,
    totalCents: items.filter((i) => i.currency === currency).reduce((sum, i) => sum + i.lineTotalCents, 0),
    checkoutReady: currencies.length === 1 && items.every((i) => i.available),
  };
  if (currency !== undefined) view.currency = currency;
  return view;
}

function itemView({ productId, quantity }: CartItem, product: ProductView | undefined): CartItemView {
  if (!product) return { productId, name: '', quantity, unitPriceCents: 0, currency: '', lineTotalCents: 0, available: false, inStock: 0 };
  return {
    productId,
    name: product.name,
    quantity,
    unitPriceCents: product.priceCents,
    currency: product.currency,
    lineTotalCents: product.priceCents * quantity,
    available: product.active && product.stock >= quantity,
    inStock: product.stock,
  };
}
