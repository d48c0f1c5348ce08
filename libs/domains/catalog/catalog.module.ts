import { Module } from '@nestjs/common';
import { DatabaseModule } from '@cleave/platform/database';
import { ReadCacheModule } from '@cleave/platform/cache';
import { Product } from './product.entity';
import { StockReservation } from './stock-reservation.entity';
import { CreateCatalog1767000000002 } from './migrations/1767000000002-create-catalog';
import { CatalogCategoriesReservations1767000000202 } from './migrations/1767000000202-catalog-categories-reservations';
import { CatalogHandlers } from './catalog.handlers';
import { ProductsService } from './products.service';
import { StockService } from './stock.service';
import { ProductCache } from './product.cache';
import { ReservationExpirySweeper } from './reservation-expiry.sweeper';
import { CATALOG_CLOCK } from './catalog.settings';

export const CATALOG_MIGRATIONS = [CreateCatalog1767000000002, CatalogCategoriesReservations1767000000202];

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
