import { Module } from '@nestjs/common';
import { DatabaseModule } from '@cleave/platform/database';
import { ReadCacheModule } from '@cleave/platform/cache';
import { Product } from './product.entity';
import { StockReservation } from './stock-reservation.entity';
import { CatalogHandlers } from './catalog.handlers';
import { ProductsService } from './products.service';
import { StockService } from './stock.service';
import { ProductCache } from './product.cache';
import { ReservationExpirySweeper } from './reservation-expiry.sweeper';
import { CATALOG_CLOCK } from './catalog.settings';
import { CATALOG_MIGRATIONS } from './catalog.migrations';

export { CATALOG_MIGRATIONS };

@Module({
  imports: [
    DatabaseModule.forModule({ module: 'catalog', entities: [Product, StockReservation], migrations: CATALOG_MIGRATIONS }),
    ReadCacheModule.forModule('catalog'),
  ],
  controllers: [CatalogHandlers],
  providers: [
    { provide: CATALOG_CLOCK, useValue: () => new Date() },
    ProductCache,
    ProductsService,
    StockService,
    ReservationExpirySweeper,
  ],
})
export class CatalogModule {}
