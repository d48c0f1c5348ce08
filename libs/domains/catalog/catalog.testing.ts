import 'reflect-metadata';
import { DataSource, DataSourceOptions } from 'typeorm';
import { CacheMetrics, MemoryReadCache } from '@cleave/platform/cache';
import { WriteQueue } from '@cleave/platform/database';
import { Product } from './product.entity';
import { StockReservation } from './stock-reservation.entity';
import { CATALOG_MIGRATIONS } from './catalog.migrations';
import { ProductCache } from './product.cache';
import { ProductsService } from './products.service';
import { StockService } from './stock.service';
import { CatalogSettings } from './catalog.settings';

/** The catalog's services without the DI container, for specs: a memory cache and a settable clock. */
export interface CatalogKit {
  dataSource: DataSource;
  cache: MemoryReadCache;
  products: ProductsService;
  stock: StockService;
  /** What the services take as now; move it with `clock.set`. */
  clock: { now: Date; set(now: Date | number): void; advance(ms: number): void };
  close(): Promise<void>;
}

export async function openCatalog(
  database: Partial<DataSourceOptions> = { type: 'better-sqlite3', database: ':memory:' },
  settings: Partial<CatalogSettings> = {},
): Promise<CatalogKit> {
  const dataSource = new DataSource({
    ...(database as DataSourceOptions),
    entities: [Product, StockReservation],
    migrations: CATALOG_MIGRATIONS,
    migrationsRun: true,
  });
  await dataSource.initialize();
  const writes = new WriteQueue(dataSource);
  const clock = {
    now: new Date(),
    set(now: Date | number) {
      clock.now = new Date(now);
    },
    advance(ms: number) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
  };
  // Each call moves time on by a millisecond, so creation order is distinct and visible.
  const tick = () => {
    clock.advance(1);
    return new Date(clock.now);
  };
  // The cache runs on the same clock, so its TTL and invalidation hold move with it.
  const cache = new MemoryReadCache({ ttlMs: 60_000, invalidationHoldMs: 1000 }, new CacheMetrics('catalog'), { now: () => clock.now.getTime() });
  const productCache = new ProductCache(cache);
  const fullSettings: CatalogSettings = { reservationTtlMs: 60_000, reservationSweepMs: 1000, ...settings };
  return {
    dataSource,
    cache,
    clock,
    products: new ProductsService(dataSource, writes, productCache, tick),
    stock: new StockService(dataSource, writes, productCache, fullSettings, tick),
    close: () => dataSource.destroy(),
  };
}
