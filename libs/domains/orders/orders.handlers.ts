import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@cleave/platform/bus/bus.decorators';
import { ordersContract, OrderView, PlaceOrder } from '@cleave/contracts/orders/orders.contract';
import { OrdersService } from './orders.service';

@Controller()
export class OrdersHandlers {
  constructor(private readonly orders: OrdersService) {}

  @Handles(ordersContract, 'placeOrder')
  placeOrder(@Payload() request: PlaceOrder): Promise<OrderView> {
    return this.orders.placeOrder(request);
  }

  @Handles(ordersContract, 'getOrder')
  getOrder(@Payload() request: { id: string; userId?: string }): Promise<OrderView> {
    return this.orders.getOrder(request);
  }
}
