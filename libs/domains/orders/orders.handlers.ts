import { Controller } from '@nestjs/common';
import { Handles } from '@cleave/platform/bus';
import { FulfilmentStatus, ListOrders, OrderPage, ordersContract, OrderView, PlaceOrder } from '@cleave/contracts/orders/orders.contract';
import { PlaceOrderService } from './checkout/place-order.service';
import { OrderLifecycleService } from './manage/order-lifecycle.service';

@Controller()
export class OrdersHandlers {
  constructor(
    private readonly checkout: PlaceOrderService,
    private readonly lifecycle: OrderLifecycleService,
  ) {}

  @Handles(ordersContract, 'placeOrder')
  placeOrder(request: PlaceOrder): Promise<OrderView> {
    return this.checkout.placeOrder(request);
  }

  @Handles(ordersContract, 'getOrder')
  getOrder(request: { id: string; userId?: string }): Promise<OrderView> {
    return this.lifecycle.getOrder(request);
  }

  @Handles(ordersContract, 'listOrders')
  listOrders(request: ListOrders): Promise<OrderPage> {
    return this.lifecycle.listOrders(request);
  }

  @Handles(ordersContract, 'cancelOrder')
  cancelOrder(request: { id: string; userId?: string; reason?: string }): Promise<OrderView> {
    return this.lifecycle.cancelOrder(request);
  }

  @Handles(ordersContract, 'setStatus')
  setStatus(request: { id: string; status: FulfilmentStatus }): Promise<OrderView> {
    return this.lifecycle.setStatus(request);
  }
}
