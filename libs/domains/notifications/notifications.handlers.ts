import { Controller } from '@nestjs/common';
import { Ctx } from '@nestjs/microservices';
import { BusContext, Handles, OnEvent } from '@cleave/platform/bus';
import { ListNotifications, MarkRead, notificationsContract, NotificationView } from '@cleave/contracts/notifications/notifications.contract';
import { OrderCancelled, OrderConfirmed, ordersContract, OrderStatusChanged } from '@cleave/contracts/orders/orders.contract';
import { PaymentEvent, paymentsContract } from '@cleave/contracts/payments/payments.contract';
import { AddressClaimed, UserRegistered, usersContract } from '@cleave/contracts/users/users.contract';
import { NotificationsService } from './notifications.service';
import * as messages from './notification-messages';

const SUBSCRIBER = 'notifications';

/** One notification per event, keyed by the event id so a redelivery records nothing more. */
@Controller()
export class NotificationsHandlers {
  constructor(private readonly notifications: NotificationsService) {}

  @OnEvent(usersContract, 'user.registered', SUBSCRIBER)
  async userRegistered(event: UserRegistered, @Ctx() ctx: BusContext): Promise<void> {
    await this.notifications.notify(messages.welcome(event), ctx.messageId);
  }

  @OnEvent(usersContract, 'user.address-claimed', SUBSCRIBER)
  async addressClaimed(event: AddressClaimed, @Ctx() ctx: BusContext): Promise<void> {
    await this.notifications.notify(messages.addressClaimed(event), ctx.messageId);
  }

  @OnEvent(ordersContract, 'order.confirmed', SUBSCRIBER)
  async orderConfirmed(event: OrderConfirmed, @Ctx() ctx: BusContext): Promise<void> {
    await this.notifications.notify(messages.orderConfirmed(event), ctx.messageId);
  }

  @OnEvent(ordersContract, 'order.cancelled', SUBSCRIBER)
  async orderCancelled(event: OrderCancelled, @Ctx() ctx: BusContext): Promise<void> {
    await this.notifications.notify(messages.orderCancelled(event), ctx.messageId);
  }

  @OnEvent(ordersContract, 'order.status-changed', SUBSCRIBER)
  async orderStatusChanged(event: OrderStatusChanged, @Ctx() ctx: BusContext): Promise<void> {
    await this.notifications.notify(messages.orderStatusChanged(event), ctx.messageId);
  }

  @OnEvent(paymentsContract, 'payment.charged', SUBSCRIBER)
  async paymentCharged(event: PaymentEvent, @Ctx() ctx: BusContext): Promise<void> {
    await this.notifications.notify(messages.paymentCharged(event), ctx.messageId);
  }

  @OnEvent(paymentsContract, 'payment.declined', SUBSCRIBER)
  async paymentDeclined(event: PaymentEvent, @Ctx() ctx: BusContext): Promise<void> {
    await this.notifications.notify(messages.paymentDeclined(event), ctx.messageId);
  }

  @OnEvent(paymentsContract, 'payment.refunded', SUBSCRIBER)
  async paymentRefunded(event: PaymentEvent, @Ctx() ctx: BusContext): Promise<void> {
    await this.notifications.notify(messages.paymentRefunded(event), ctx.messageId);
  }

  @Handles(notificationsContract, 'listForUser')
  listForUser(request: ListNotifications): Promise<NotificationView[]> {
    return this.notifications.listForUser(request);
  }

  @Handles(notificationsContract, 'markRead')
  markRead(request: MarkRead): Promise<{ updated: number }> {
    return this.notifications.markRead(request);
  }
}
