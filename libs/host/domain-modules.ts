import { Type } from '@nestjs/common';
import { SettingsClass } from '@cleave/platform/config';
import { CartModule } from '@cleave/domains/cart/cart.module';
import { CatalogModule } from '@cleave/domains/catalog/catalog.module';
import { CatalogSettings } from '@cleave/domains/catalog/catalog.settings';
import { NotificationsModule } from '@cleave/domains/notifications/notifications.module';
import { OrdersModule } from '@cleave/domains/orders/orders.module';
import { OrdersSettings } from '@cleave/domains/orders/orders.settings';
import { PaymentsModule } from '@cleave/domains/payments/payments.module';
import { PaymentsSettings } from '@cleave/domains/payments/payments.settings';
import { UsersModule } from '@cleave/domains/users/users.module';
import { UsersSettings } from '@cleave/domains/users/users.settings';

export interface DomainModule {
  module: Type;
  /** Its settings classes: part of the configuration of the process that hosts it. */
  settings: readonly SettingsClass[];
}

/** Every domain module by the name topologies use for it. Adding a domain is a line here. */
export const DOMAIN_MODULES: Readonly<Record<string, DomainModule>> = {
  users: { module: UsersModule, settings: [UsersSettings] },
  catalog: { module: CatalogModule, settings: [CatalogSettings] },
  orders: { module: OrdersModule, settings: [OrdersSettings] },
  notifications: { module: NotificationsModule, settings: [] },
  cart: { module: CartModule, settings: [] },
  payments: { module: PaymentsModule, settings: [PaymentsSettings] },
};

export const MODULE_NAMES = Object.keys(DOMAIN_MODULES);
