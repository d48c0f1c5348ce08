/**
 * The floor of the monolith's GET /products/:id: a bare NestJS app (Express, as Cleave)
 * with one route doing the same database read, findOneBy on the same `products` table of
 * the same SQLite file (BENCH_SQLITE_FILE, the monolith's catalog.sqlite), with the same
 * pragmas, and the same answer shape. No bus, no gateway, no global pipes or filters; its
 * entity is its own copy on purpose: a floor that imported Cleave would not be bare.
 */
import { Controller, Get, Module, NotFoundException, Param, ParseUUIDPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { InjectRepository, TypeOrmModule } from '@nestjs/typeorm';
import { Column, Entity, PrimaryColumn, Repository } from 'typeorm';
import { env, fail, serve } from '../lib/child';

/** The columns of libs/domains/catalog/product.entity.ts (the bench does not import domains). */
@Entity({ name: 'products' })
class ProductRow {
  @PrimaryColumn({ type: 'varchar', length: 36 })
  id!: string;

  @Column({ type: 'varchar', length: 200 })
  name!: string;

  @Column({ type: 'text' })
  description!: string;

  @Column({ name: 'price_cents', type: 'integer' })
  priceCents!: number;

  @Column({ type: 'varchar', length: 3 })
  currency!: string;

  @Column({ type: 'integer' })
  stock!: number;

  @Column({ name: 'created_at', type: 'varchar', length: 32 })
  createdAt!: string;
}

@Controller('products')
class ProductsController {
  constructor(@InjectRepository(ProductRow) private readonly products: Repository<ProductRow>) {}

  @Get(':id')
  async get(@Param('id', ParseUUIDPipe) id: string) {
    const product = await this.products.findOneBy({ id });
    if (!product) throw new NotFoundException(`Product ${id} not found`);
    return {
      id: product.id,
      name: product.name,
      description: product.description,
      priceCents: Number(product.priceCents),
      currency: product.currency,
      stock: Number(product.stock),
      createdAt: product.createdAt,
    };
  }
}

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'better-sqlite3',
      database: env('BENCH_SQLITE_FILE'),
      entities: [ProductRow],
      synchronize: false,
      prepareDatabase: (db: { pragma(sql: string): unknown }) => {
        db.pragma('journal_mode = WAL');
        db.pragma('busy_timeout = 5000');
      },
    }),
    TypeOrmModule.forFeature([ProductRow]),
  ],
  controllers: [ProductsController],
})
class BareModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: ['error', 'warn'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as { port: number };
  serve({}, { url: `http://127.0.0.1:${port}` });
}

main().catch(fail);
