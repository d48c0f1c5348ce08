import { OrderLine, OrderView } from '@cleave/contracts/orders/orders.contract';
import { Order } from './order.entity';

export function toOrderView(order: Order): OrderView {
  const view: OrderView = {
    id: order.id,
    userId: order.userId,
    status: order.status,
    items: JSON.parse(order.items) as OrderLine[],
    totalCents: Number(order.totalCents),
    currency: order.currency,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
  };
  if (order.cancelReason) view.cancelReason = order.cancelReason;
  return view;
}
