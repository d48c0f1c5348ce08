import { Injectable, Logger } from '@nestjs/common';
import { Checkout } from '@cleave/contracts/cart/cart.contract';
import { ValidationError } from '@cleave/contracts/kernel/errors';
import { OrdersClient, OrderView, PlaceOrder } from '@cleave/contracts/orders/orders.contract';
import { checkId, checkIdempotencyKey, checkPaymentMethod } from './cart-input';
import { CartService } from './cart.service';

@Injectable()
export class CheckoutService {
  private readonly logger = new Logger('Cart');

  constructor(
    private readonly cart: CartService,
    private readonly orders: OrdersClient,
  ) {}

  /**
   * Orders what the cart holds, then takes what was ordered out of it. Any error of orders
   * (404, 409 stock, 402 declined...) passes through unchanged and the cart is kept.
   */
  async checkout(request: Checkout): Promise<OrderView> {
    const userId = checkId(request?.userId, 'userId');
    const idempotencyKey = checkIdempotencyKey(request.idempotencyKey);
    const paymentMethod = checkPaymentMethod(request.paymentMethod);
    const items = (await this.cart.lines(userId)).map(({ productId, quantity }) => ({ productId, quantity }));
    // With a key an empty cart may be the retry of a checkout that succeeded: orders answers
    // a repeated key with its first result, or refuses the empty order itself.
    if (items.length === 0 && idempotencyKey === undefined) throw new ValidationError('The cart is empty');

    const placeOrder: PlaceOrder = { userId, items };
    if (idempotencyKey !== undefined) placeOrder.idempotencyKey = idempotencyKey;
    if (paymentMethod !== undefined) placeOrder.paymentMethod = paymentMethod;
    const order = await this.orders.placeOrder(placeOrder);

    if (order.status !== 'CANCELLED') await this.removeOrdered(userId, items, order);
    return order;
  }

  /**
   * What was both sent and ordered: a replayed key answers an earlier order, whose lines must
   * not take out what the cart holds now beyond what this request sent.
   */
  private async removeOrdered(userId: string, sent: { productId: string; quantity: number }[], order: OrderView): Promise<void> {
    const inOrder = new Map<string, number>();
    for (const line of order.items ?? []) inOrder.set(line.productId, (inOrder.get(line.productId) ?? 0) + line.quantity);
    const ordered = sent
      .map(({ productId, quantity }) => ({ productId, quantity: Math.min(quantity, inOrder.get(productId) ?? 0) }))
      .filter((line) => line.quantity > 0);
    try {
      await this.cart.removeOrdered(userId, ordered);
    } catch (error) {
      // The order is placed: failing now would have the customer order again. The lines stay.
      this.logger.error(`Order ${order.id} was placed but its lines were not taken out of the cart of ${userId}: ${(error as Error)?.message ?? String(error)}`);
    }
  }
}
