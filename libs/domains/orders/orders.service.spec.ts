import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ConflictError, NotFoundError, ValidationError } from '@cleave/contracts/kernel/errors';
import { CatalogClient, ProductView, ReserveStock } from '@cleave/contracts/catalog/catalog.contract';
import { OrderPlaced } from '@cleave/contracts/orders/orders.contract';
import { ServiceBus } from '@cleave/platform/bus/service-bus';
import { Order } from './order.entity';
import { CreateOrders1767000000003 } from './migrations/1767000000003-create-orders';
import { OrdersService } from './orders.service';

const ADA = 'aaaaaaaa-aaaa-4aaa-8aaa-aaaaaaaaaaaa';
const BOB = 'bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb';
const MISSING = '00000000-0000-4000-8000-000000000000';

function product(id: string, name: string, priceCents: number, currency = 'USD'): ProductView {
  return { id, name, description: '', priceCents, currency, stock: 100, createdAt: new Date(0).toISOString() };
}

const WIDGET = product('11111111-1111-4111-8111-111111111111', 'Widget', 1250);
const GADGET = product('22222222-2222-4222-8222-222222222222', 'Gadget', 299);

/** Catalog as another module sees it: products by id, and a reservation that may refuse. */
class FakeCatalog implements CatalogClient {
  readonly reservations: ReserveStock[] = [];
  refuse?: Error;

  constructor(private readonly products: ProductView[]) {}

  async getProducts({ ids }: { ids: string[] }) {
    return this.products.filter((p) => ids.includes(p.id));
  }
  async reserveStock(request: ReserveStock) {
    if (this.refuse) throw this.refuse;
    this.reservations.push(request);
    return request;
  }
  async getProduct(): Promise<ProductView> {
    throw new Error('not used by orders');
  }
  async listProducts(): Promise<never> {
    throw new Error('not used by orders');
  }
  async createProduct(): Promise<ProductView> {
    throw new Error('not used by orders');
  }
}

describe('OrdersService', () => {
  let dataSource: DataSource;
  let catalog: FakeCatalog;
  let published: { event: string; payload: OrderPlaced }[];
  let service: OrdersService;

  beforeEach(async () => {
    dataSource = new DataSource({ type: 'better-sqlite3', database: ':memory:', entities: [Order], migrations: [CreateOrders1767000000003], migrationsRun: true });
    await dataSource.initialize();
    catalog = new FakeCatalog([WIDGET, GADGET, product('33333333-3333-4333-8333-333333333333', 'Euro thing', 100, 'EUR')]);
    published = [];
    const bus = {
      publish: async (_contract: unknown, event: string, payload: OrderPlaced) => void published.push({ event, payload }),
    } as unknown as ServiceBus;
    service = new OrdersService(dataSource.getRepository(Order), catalog, bus);
  });

  afterEach(() => dataSource.destroy());

  it('places an order at catalog prices, reserves its stock and announces it', async () => {
    const order = await service.placeOrder({
      userId: ADA,
      items: [
        { productId: WIDGET.id, quantity: 2 },
        { productId: GADGET.id, quantity: 1 },
        { productId: WIDGET.id, quantity: 1 },
      ],
    });
    expect(order).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      userId: ADA,
      status: 'PLACED',
      items: [
        { productId: WIDGET.id, name: 'Widget', quantity: 3, unitPriceCents: 1250 },
        { productId: GADGET.id, name: 'Gadget', quantity: 1, unitPriceCents: 299 },
      ],
      totalCents: 3 * 1250 + 299,
      currency: 'USD',
      createdAt: expect.any(String),
    });
    expect(catalog.reservations).toEqual([
      { orderId: order.id, items: [{ productId: WIDGET.id, quantity: 3 }, { productId: GADGET.id, quantity: 1 }] },
    ]);
    expect(published).toEqual([{ event: 'order.placed', payload: { orderId: order.id, userId: ADA, totalCents: 4049, currency: 'USD', itemCount: 4 } }]);
    await expect(service.getOrder({ id: order.id, userId: ADA })).resolves.toEqual(order);
  });

  it('refuses an unknown product before reserving anything', async () => {
    const attempt = service.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 1 }, { productId: MISSING, quantity: 1 }] });
    await expect(attempt).rejects.toThrow(new NotFoundError(`Product ${MISSING} not found`));
    expect(catalog.reservations).toEqual([]);
    expect(await dataSource.getRepository(Order).count()).toBe(0);
  });

  it('passes the catalog conflict on and saves nothing', async () => {
    catalog.refuse = new ConflictError('Not enough stock for Widget: 1 left, 2 requested');
    await expect(service.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 2 }] })).rejects.toBe(catalog.refuse);
    expect(await dataSource.getRepository(Order).count()).toBe(0);
    expect(published).toEqual([]);
  });

  it.each([
    ['no items', []],
    ['a zero quantity', [{ productId: WIDGET.id, quantity: 0 }]],
    ['a fractional quantity', [{ productId: WIDGET.id, quantity: 1.5 }]],
  ])('rejects %s', async (_, items) => {
    await expect(service.placeOrder({ userId: ADA, items })).rejects.toBeInstanceOf(ValidationError);
  });

  it('rejects products priced in different currencies', async () => {
    const attempt = service.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 1 }, { productId: '33333333-3333-4333-8333-333333333333', quantity: 1 }] });
    await expect(attempt).rejects.toBeInstanceOf(ValidationError);
    expect(catalog.reservations).toEqual([]);
  });

  it("reports another user's order as not found", async () => {
    const order = await service.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 1 }] });
    await expect(service.getOrder({ id: order.id, userId: BOB })).rejects.toThrow(new NotFoundError(`Order ${order.id} not found`));
    await expect(service.getOrder({ id: MISSING, userId: ADA })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('keeps a placed order when publishing fails', async () => {
    const failing = { publish: async () => Promise.reject(new Error('redis down')) } as unknown as ServiceBus;
    service = new OrdersService(dataSource.getRepository(Order), catalog, failing);
    const logged = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const order = await service.placeOrder({ userId: ADA, items: [{ productId: WIDGET.id, quantity: 1 }] });
    await expect(service.getOrder({ id: order.id, userId: ADA })).resolves.toEqual(order);
    expect(logged).toHaveBeenCalledWith(expect.stringContaining(order.id));
    logged.mockRestore();
  });
});
