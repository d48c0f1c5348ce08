import { Module } from '@nestjs/common';
import { DatabaseModule } from '@cleave/platform/database/database.module';
import { Product } from './product.entity';
import { StockReservation } from './stock-reservation.entity';
import { CreateCatalog1767000000002 } from './migrations/1767000000002-create-catalog';
import { CatalogHandlers } from './catalog.handlers';
import { ProductsService } from './products.service';
import { StockService } from './stock.service';

@Module({
  imports: [
    DatabaseModule.forModule({ module: 'catalog', entities: [Product, StockReservation], migrations: [CreateCatalog1767000000002] }),
  ],
  controllers: [CatalogHandlers],
  providers: [ProductsService, StockService],
})
export class CatalogModule {}
