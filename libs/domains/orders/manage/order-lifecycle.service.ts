import { Injectable } from '@nestjs/common';
import { ConflictError, NotFoundError, ValidationError } from '@cleave/contracts/kernel/errors';
import { FulfilmentStatus, ListOrders, OrderPage, ordersContract, OrderStatus, OrderView } from '@cleave/contracts/orders/orders.contract';
import { Order } from '../order.entity';
import { OrderRepository } from '../order.repository';
import { toOrderView } from '../order.view';
import { CheckoutSaga } from '../checkout/checkout-saga';

/** What each status an admin sets may follow. */
const FULFILMENT: Record<FulfilmentStatus, OrderStatus[]> = {
  PAID: ['CONFIRMED'],
  SHIPPED: ['CONFIRMED', 'PAID'],
  DELIVERED: ['SHIPPED'],
};
const STATUSES: OrderStatus[] = ['PENDING', 'CONFIRMED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'];

/** An order after checkout: reading, history, the customer's cancel, the admin's fulfilment. */
@Injectable()
export class OrderLifecycleService {
  constructor(
    private readonly orders: OrderRepository,
    private readonly saga: CheckoutSaga,
  ) {}

  async getOrder({ id, userId }: { id: string; userId?: string }): Promise<OrderView> {
    return toOrderView(await this.find(id, userId));
  }

  async listOrders(request: ListOrders): Promise<OrderPage> {
    const { userId, status } = request ?? {};
    const limit = request?.limit ?? 20;
    const offset = request?.offset ?? 0;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw new ValidationError('limit must be an integer from 1 to 100');
    if (!Number.isInteger(offset) || offset < 0) throw new ValidationError('offset must be a non-negative integer');
    if (status !== undefined && !STATUSES.includes(status)) throw new ValidationError(`status must be one of ${STATUSES.join(', ')}`);
    const [rows, total] = await this.orders.list({ userId, status, limit, offset });
    return { items: rows.map(toOrderView), total, limit, offset };
  }

  async cancelOrder({ id, userId, reason }: { id: string; userId?: string; reason?: string }): Promise<OrderView> {
    if (reason !== undefined && (typeof reason !== 'string' || reason.length > 500)) throw new ValidationError('reason must be at most 500 characters');
    for (let attempt = 0; attempt < 3; attempt++) {
      const order = await this.find(id, userId);
      if (order.status === 'CANCELLED') return toOrderView(order);
      if (order.status === 'SHIPPED' || order.status === 'DELIVERED') {
        throw new ConflictError(`Order ${id} has been ${order.status.toLowerCase()} and can no longer be cancelled`, { orderId: id, status: order.status });
      }
      if (order.step === 'COMPENSATE') return this.saga.continueCancel(order);
      if (order.step !== 'DONE') throw new ConflictError(`Order ${id} is still being placed; try again shortly`, { orderId: id });
      try {
        return await this.saga.cancel(order, reason?.trim() || 'Cancelled by the customer');
      } catch (error) {
        // Moved under us (shipped, or cancelled by a concurrent request): judge it again.
        if (!this.saga.isSuperseded(error)) throw error;
      }
    }
    throw new ConflictError(`Order ${id} is changing; try again`, { orderId: id });
  }

  async setStatus({ id, status }: { id: string; status: FulfilmentStatus }): Promise<OrderView> {
    const from = FULFILMENT[status];
    if (!from) throw new ValidationError(`status must be one of ${Object.keys(FULFILMENT).join(', ')}`);
    const order = await this.find(id);
    if (order.status === status) return toOrderView(order);
    const moved = await this.orders.transition(id, { step: 'DONE', status: from }, { status }, (tx) =>
      tx.publish(ordersContract, 'order.status-changed', { orderId: id, userId: order.userId, status }),
    );
    const current = await this.find(id);
    if (moved || current.status === status) return toOrderView(current);
    const why = current.step === 'COMPENSATE' ? 'is being cancelled' : `is ${current.status}`;
    throw new ConflictError(`Order ${id} ${why} and cannot become ${status}`, { orderId: id, status: current.status });
  }

  /** Someone else's order is reported exactly like a missing one: existence is not leaked. */
  private async find(id: string, userId?: string): Promise<Order> {
    const order = typeof id === 'string' && id ? await this.orders.findById(id) : null;
    if (!order || (userId !== undefined && order.userId !== userId)) throw new NotFoundError(`Order ${id} not found`);
    return order;
  }
}
