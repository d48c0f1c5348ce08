import { Type } from '@nestjs/common';
import { CatalogModule } from '@cleave/domains/catalog/catalog.module';
import { NotificationsModule } from '@cleave/domains/notifications/notifications.module';
import { OrdersModule } from '@cleave/domains/orders/orders.module';
import { UsersModule } from '@cleave/domains/users/users.module';

/** Every domain module by the name topologies use for it. Adding a domain is a line here. */
export const DOMAIN_MODULES: Readonly<Record<string, Type>> = {
  users: UsersModule,
  catalog: CatalogModule,
  orders: OrdersModule,
  notifications: NotificationsModule,
};

export const MODULE_NAMES = Object.keys(DOMAIN_MODULES);
