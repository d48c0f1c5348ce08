import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@cleave/platform/bus';
import {
  AdjustStock,
  catalogContract,
  CreateProduct,
  ListProducts,
  ProductPage,
  ProductView,
  Reservation,
  ReserveStock,
  UpdateProduct,
} from '@cleave/contracts/catalog/catalog.contract';
import { ProductsService } from './products.service';
import { StockService } from './stock.service';

@Controller()
export class CatalogHandlers {
  constructor(
    private readonly products: ProductsService,
    private readonly stock: StockService,
  ) {}

  @Handles(catalogContract, 'createProduct')
  createProduct(@Payload() request: CreateProduct): Promise<ProductView> {
    return this.products.createProduct(request);
  }

  @Handles(catalogContract, 'updateProduct')
  updateProduct(@Payload() request: UpdateProduct): Promise<ProductView> {
    return this.products.updateProduct(request);
  }

  @Handles(catalogContract, 'adjustStock')
  adjustStock(@Payload() request: AdjustStock): Promise<ProductView> {
    return this.products.adjustStock(request ?? ({} as AdjustStock));
  }

  @Handles(catalogContract, 'listProducts')
  listProducts(@Payload() request: ListProducts): Promise<ProductPage> {
    return this.products.listProducts(request ?? {});
  }

  @Handles(catalogContract, 'getProduct')
  getProduct(@Payload() request: { id: string }): Promise<ProductView> {
    return this.products.getProduct(request ?? { id: '' });
  }

  @Handles(catalogContract, 'getProducts')
  getProducts(@Payload() request: { ids: string[] }): Promise<ProductView[]> {
    return this.products.getProducts(request ?? { ids: [] });
  }

  @Handles(catalogContract, 'reserveStock')
  reserveStock(@Payload() request: ReserveStock): Promise<Reservation> {
    return this.stock.reserveStock(request ?? ({} as ReserveStock));
  }

  @Handles(catalogContract, 'commitReservation')
  commitReservation(@Payload() request: { orderId: string }): Promise<Reservation> {
    return this.stock.commitReservation(request ?? { orderId: '' });
  }

  @Handles(catalogContract, 'releaseReservation')
  releaseReservation(@Payload() request: { orderId: string }): Promise<Reservation> {
    return this.stock.releaseReservation(request ?? { orderId: '' });
  }
}
