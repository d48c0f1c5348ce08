import { ProductView } from '@cleave/contracts/catalog/catalog.contract';
import { Product } from './product.entity';

export function toProductView(product: Product): ProductView {
  return {
    id: product.id,
    name: product.name,
    description: product.description,
    category: '',
    active: true,
    priceCents: Number(product.priceCents),
    currency: product.currency,
    stock: Number(product.stock),
    createdAt: product.createdAt,
    updatedAt: product.createdAt,
  };
}
