import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { NotFoundError, ValidationError } from '@cleave/contracts/kernel/errors';
import { CatalogClient, ProductView, StockLine } from '@cleave/contracts/catalog/catalog.contract';
import { OrderLine, ordersContract, OrderView, PlaceOrder } from '@cleave/contracts/orders/orders.contract';
import { ServiceBus } from '@cleave/platform/bus/service-bus';
import { Order } from './order.entity';

@Injectable()
export class OrdersService {
  private readonly logger = new Logger('Orders');

  constructor(
    @InjectRepository(Order, 'orders') private readonly orders: Repository<Order>,
    private readonly catalog: CatalogClient,
    private readonly bus: ServiceBus,
  ) {}

  async placeOrder({ userId, items }: PlaceOrder): Promise<OrderView> {
    if (typeof userId !== 'string' || !userId) throw new ValidationError('userId is required');
    const lines = mergeLines(items);
    const products = new Map((await this.catalog.getProducts({ ids: lines.map((l) => l.productId) })).map((p) => [p.id, p]));
    const missing = lines.find((line) => !products.has(line.productId));
    if (missing) throw new NotFoundError(`Product ${missing.productId} not found`, { productId: missing.productId });
    const currencies = [...new Set([...products.values()].map((p) => p.currency))];
    if (currencies.length > 1) throw new ValidationError('All products of an order must share one currency', { currencies });

    // The id comes first so a retried reservation is recognised as the same order.
    const orderId = randomUUID();
    await this.catalog.reserveStock({ orderId, items: lines });

    const orderLines = lines.map((line) => toOrderLine(line, products.get(line.productId)!));
    const order = this.orders.create({
      id: orderId,
      userId,
      status: 'CONFIRMED',
      items: JSON.stringify(orderLines),
      totalCents: orderLines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
      currency: currencies[0],
      createdAt: new Date().toISOString(),
    });
    await this.orders.insert(order);
    await this.announce(order, orderLines);
    return toView(order);
  }

  async getOrder({ id, userId }: { id: string; userId?: string }): Promise<OrderView> {
    const order = typeof id === 'string' ? await this.orders.findOneBy({ id }) : null;
    // Someone else's order is reported exactly like a missing one: existence is not leaked.
    if (!order || order.userId !== userId) throw new NotFoundError(`Order ${id} not found`);
    return toView(order);
  }

  /**
   * The order is placed once it is saved; a failed publish must not turn it into an error
   * the customer would retry (and so order twice), so it is logged instead.
   */
  private async announce(order: Order, lines: OrderLine[]): Promise<void> {
    try {
      await this.bus.publish(ordersContract, 'order.confirmed', {
        orderId: order.id,
        userId: order.userId,
        totalCents: order.totalCents,
        currency: order.currency,
        itemCount: lines.reduce((sum, line) => sum + line.quantity, 0),
      });
    } catch (error) {
      this.logger.error(`Order ${order.id} was placed but order.placed was not published: ${(error as Error)?.message ?? String(error)}`);
    }
  }
}

/** One line per product, in the order first seen. */
function mergeLines(items: unknown): StockLine[] {
  if (!Array.isArray(items) || items.length === 0) throw new ValidationError('An order needs at least one item');
  const quantities = new Map<string, number>();
  for (const item of items as Partial<StockLine>[]) {
    const { productId, quantity } = item ?? {};
    if (typeof productId !== 'string' || !productId) throw new ValidationError('Every item needs a productId');
    if (!Number.isInteger(quantity) || (quantity as number) < 1) {
      throw new ValidationError(`Quantity for product ${productId} must be a positive integer`, { productId, quantity });
    }
    quantities.set(productId, (quantities.get(productId) ?? 0) + (quantity as number));
  }
  return [...quantities].map(([productId, quantity]) => ({ productId, quantity }));
}

function toOrderLine({ productId, quantity }: StockLine, product: ProductView): OrderLine {
  return { productId, name: product.name, quantity, unitPriceCents: product.priceCents };
}

function toView(order: Order): OrderView {
  return {
    id: order.id,
    userId: order.userId,
    status: order.status,
    items: JSON.parse(order.items) as OrderLine[],
    totalCents: Number(order.totalCents),
    currency: order.currency,
    createdAt: order.createdAt,
    updatedAt: order.createdAt,
  };
}
