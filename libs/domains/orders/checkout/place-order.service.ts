import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, ValidationError } from '@cleave/contracts/kernel/errors';
import { CatalogClient } from '@cleave/contracts/catalog/catalog.contract';
import { IDEMPOTENCY_KEY_FORMAT, OrderLine, OrderView, PlaceOrder } from '@cleave/contracts/orders/orders.contract';
import { PAYMENT_METHOD_FORMAT } from '@cleave/contracts/payments/payments.contract';
import { isUniqueViolation } from '@cleave/platform/database';
import { Order } from '../order.entity';
import { OrderRepository } from '../order.repository';
import { OrdersSettings } from '../orders.settings';
import { CheckoutSaga } from './checkout-saga';
import { checkoutDigest, mergeLines } from './order-lines';

/**
 * Checkout: prices the lines from the catalog, records the order PENDING (with its
 * Idempotency-Key) and hands it to the saga. A repeated key answers with the first
 * checkout's result, whatever that was, and never places a second order.
 */
@Injectable()
export class PlaceOrderService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly catalog: CatalogClient,
    private readonly saga: CheckoutSaga,
    private readonly settings: OrdersSettings,
  ) {}

  async placeOrder(request: PlaceOrder): Promise<OrderView> {
    const { userId, items } = request ?? ({} as PlaceOrder);
    if (typeof userId !== 'string' || !userId) throw new ValidationError('userId is required');
    const key = checkedKey(request.idempotencyKey);
    const paymentMethod = checkedPaymentMethod(request.paymentMethod);

    if (key) {
      const first = await this.orders.findByKey(userId, key);
      // A retry may come with no lines (the cart was emptied by the first checkout).
      if (first) return this.replay(first, Array.isArray(items) && items.length > 0 ? items : undefined, paymentMethod);
    }
    const lines = mergeLines(items);
    const products = new Map((await this.catalog.getProducts({ ids: lines.map((l) => l.productId) })).map((p) => [p.id, p]));
    const orderLines: OrderLine[] = lines.map(({ productId, quantity }) => {
      const product = products.get(productId);
      if (!product) throw new NotFoundError(`Product ${productId} not found`, { productId });
      if (!product.active) throw new ConflictError(`${product.name} is no longer available`, { productId });
      return { productId, name: product.name, quantity, unitPriceCents: product.priceCents };
    });
    const currencies = [...new Set([...products.values()].map((p) => p.currency))];
    if (currencies.length > 1) throw new ValidationError('All products of an order must share one currency', { currencies });

    const now = new Date().toISOString();
    const order: Order = {
      id: randomUUID(),
      userId,
      status: 'PENDING',
      step: 'RESERVE',
      items: JSON.stringify(orderLines),
      totalCents: orderLines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
      currency: currencies[0],
      paymentMethod: paymentMethod ?? null,
      cancelReason: null,
      refundOnCancel: false,
      failure: null,
      idempotencyKey: key ?? null,
      requestHash: key ? checkoutDigest(lines, paymentMethod) : null,
      leaseOwner: this.saga.owner,
      leaseUntil: Date.now() + this.settings.sagaLeaseMs,
      attempts: 0,
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.orders.insert(order);
    } catch (error) {
      // The same key raced in from a concurrent request: the one that got in answers both.
      if (!key || !isUniqueViolation(error)) throw error;
      const first = await this.orders.findByKey(userId, key);
      if (!first) throw error;
      return this.replay(first, items, paymentMethod);
    }
    return this.saga.run(order);
  }

  private replay(first: Order, items: unknown, paymentMethod: string | undefined): OrderView {
    if (items !== undefined && first.requestHash && checkoutDigest(mergeLines(items), paymentMethod) !== first.requestHash) {
      throw new ValidationError('This Idempotency-Key was used for a different checkout', { orderId: first.id });
    }
    return this.saga.answer(first);
  }
}

function checkedKey(key: unknown): string | undefined {
  if (key === undefined || key === null) return undefined;
  if (typeof key !== 'string' || !IDEMPOTENCY_KEY_FORMAT.test(key)) throw new ValidationError('idempotencyKey must be 1 to 100 printable characters');
  return key;
}

function checkedPaymentMethod(method: unknown): string | undefined {
  if (method === undefined || method === null) return undefined;
  if (typeof method !== 'string' || !PAYMENT_METHOD_FORMAT.test(method)) throw new ValidationError('paymentMethod must be 1 to 64 letters, digits or underscores');
  return method;
}
