import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { Handles, OnEvent } from '@cleave/platform/bus/bus.decorators';
import { BusContext } from '@cleave/platform/bus/bus.context';
import { notificationsContract, NotificationView } from '@cleave/contracts/notifications/notifications.contract';
import { OrderConfirmed, ordersContract } from '@cleave/contracts/orders/orders.contract';
import { NotificationsService } from './notifications.service';

@Controller()
export class NotificationsHandlers {
  constructor(private readonly notifications: NotificationsService) {}

  @OnEvent(ordersContract, 'order.confirmed', 'notifications')
  orderConfirmed(@Payload() event: OrderConfirmed, @Ctx() ctx: BusContext): Promise<void> {
    return this.notifications.orderConfirmed(event, ctx.messageId);
  }

  @Handles(notificationsContract, 'listForUser')
  listForUser(@Payload() request: { userId: string }): Promise<NotificationView[]> {
    return this.notifications.listForUser(request);
  }
}
