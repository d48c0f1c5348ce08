import { AddressClaimed, UserRegistered } from '@cleave/contracts/users/users.contract';
import { OrderCancelled, OrderConfirmed, OrderStatusChanged } from '@cleave/contracts/orders/orders.contract';
import { PaymentEvent } from '@cleave/contracts/payments/payments.contract';
import { formatMoney } from './money';

/** What a user is told, and under which kind a client may group or style it. */
export interface NotificationText {
  userId: string;
  kind: string;
  message: string;
}

export function welcome(event: UserRegistered): NotificationText {
  return { userId: event.userId, kind: 'welcome', message: `Welcome to Cleave, ${event.name || event.email}!` };
}

/** Registration and email change answer alike for a taken address; its owner learns of the attempt here. */
export function addressClaimed(event: AddressClaimed): NotificationText {
  const what = event.attempt === 'registration' ? 'register a new account' : 'move another account';
  return { userId: event.userId, kind: 'address-claimed', message: `Someone tried to ${what} with your email address. Nothing changed; if it was you, sign in instead.` };
}

export function orderConfirmed(event: OrderConfirmed): NotificationText {
  const items = event.itemCount === 1 ? '1 item' : `${event.itemCount} items`;
  return { userId: event.userId, kind: 'order.confirmed', message: `Your order ${event.orderId} (${items}, ${formatMoney(event.totalCents, event.currency)}) is confirmed` };
}

export function orderCancelled(event: OrderCancelled): NotificationText {
  return { userId: event.userId, kind: 'order.cancelled', message: `Your order ${event.orderId} was cancelled: ${event.reason}` };
}

const FULFILMENT = {
  PAID: { kind: 'order.paid', text: 'is paid' },
  SHIPPED: { kind: 'order.shipped', text: 'has shipped' },
  DELIVERED: { kind: 'order.delivered', text: 'was delivered' },
} as const;

export function orderStatusChanged(event: OrderStatusChanged): NotificationText {
  const status = FULFILMENT[event.status] ?? { kind: 'order.status-changed', text: `is now ${String(event.status)}` };
  return { userId: event.userId, kind: status.kind, message: `Your order ${event.orderId} ${status.text}` };
}

export function paymentCharged(event: PaymentEvent): NotificationText {
  return { userId: event.userId, kind: 'payment.charged', message: `We charged ${formatMoney(event.amountCents, event.currency)} for your order ${event.orderId}` };
}

export function paymentDeclined(event: PaymentEvent): NotificationText {
  return {
    userId: event.userId,
    kind: 'payment.declined',
    message: `Your payment of ${formatMoney(event.amountCents, event.currency)} for order ${event.orderId} was declined${because(event.reason)}`,
  };
}

export function paymentRefunded(event: PaymentEvent): NotificationText {
  // A refund of nothing is a payment voided before any charge.
  const message =
    event.amountCents === 0
      ? `The payment for your order ${event.orderId} was cancelled; nothing was charged${because(event.reason)}`
      : `We refunded ${formatMoney(event.amountCents, event.currency)} for your order ${event.orderId}${because(event.reason)}`;
  return { userId: event.userId, kind: 'payment.refunded', message };
}

function because(reason: string | undefined): string {
  return reason ? `: ${reason}` : '';
}
