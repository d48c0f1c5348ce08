import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@cleave/platform/bus/bus.decorators';
import {
  catalogContract,
  CreateProduct,
  ListProducts,
  ProductPage,
  ProductView,
  Reservation,
  ReserveStock,
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

  @Handles(catalogContract, 'listProducts')
  listProducts(@Payload() request: ListProducts): Promise<ProductPage> {
    return this.products.listProducts(request ?? {});
  }

  @Handles(catalogContract, 'getProduct')
  getProduct(@Payload() request: { id: string }): Promise<ProductView> {
    return this.products.getProduct(request);
  }

  @Handles(catalogContract, 'getProducts')
  getProducts(@Payload() request: { ids: string[] }): Promise<ProductView[]> {
    return this.products.getProducts(request);
  }

  @Handles(catalogContract, 'reserveStock')
  reserveStock(@Payload() request: ReserveStock): Promise<Reservation> {
    return this.stock.reserveStock(request);
  }
}
