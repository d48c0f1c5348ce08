import { Type } from '@nestjs/common';
import { CartModule } from '@cleave/domains/cart/cart.module';
import { CatalogModule } from '@cleave/domains/catalog/catalog.module';
import { NotificationsModule } from '@cleave/domains/notifications/notifications.module';
import { OrdersModule } from '@cleave/domains/orders/orders.module';
import { PaymentsModule } from '@cleave/domains/payments/payments.module';
import { UsersModule } from '@cleave/domains/users/users.module';

/** Every domain module by the name topologies use for it. Adding a domain is a line here. */
export const DOMAIN_MODULES: Readonly<Record<string, Type>> = {
  users: UsersModule,
  catalog: CatalogModule,
  orders: OrdersModule,
  notifications: NotificationsModule,
  cart: CartModule,
  payments: PaymentsModule,
};

export const MODULE_NAMES = Object.keys(DOMAIN_MODULES);
