import { Injectable } from '@nestjs/common';
import { ProductView } from '@cleave/contracts/catalog/catalog.contract';
import { ReadCache } from '@cleave/platform/cache';

/**
 * Product views by id in the module's read cache. Every change to a product (its fields or
 * its stock) invalidates it after the change commits; see ReadCache for why a read racing
 * the change cannot put the old view back for longer than the TTL.
 */
@Injectable()
export class ProductCache {
  constructor(private readonly cache: ReadCache) {}

  async get(ids: readonly string[]): Promise<Map<string, ProductView>> {
    const found = await this.cache.getMany<ProductView>(ids.map(key));
    return new Map([...found.values()].map((view) => [view.id, view]));
  }

  /** Off the caller's path: a fill never delays nor fails a read. */
  fill(views: readonly ProductView[]): void {
    if (views.length) void this.cache.setMany(views.map((view) => [key(view.id), view] as const));
  }

  invalidate(ids: Iterable<string>): Promise<void> {
    const keys = [...new Set(ids)].map(key);
    return keys.length ? this.cache.deleteMany(keys) : Promise.resolve();
  }
}

function key(id: string): string {
  return `product:${id}`;
}
