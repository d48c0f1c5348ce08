import { ProductView } from '@cleave/contracts/catalog/catalog.contract';
import { Product } from './product.entity';

export function toProductView(product: Product): ProductView {
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    category: product.category,
    priceCents: Number(product.priceCents),
    currency: product.currency,
    // SQLite gives a boolean column back as 0 or 1.
    active: Boolean(product.active),
    stock: Number(product.stock),
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
  };
}
