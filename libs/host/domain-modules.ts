import { Type } from '@nestjs/common';
import { SettingsClass } from '@cleave/platform/config';
import { OUTBOX_MIGRATIONS } from '@cleave/platform/outbox';
import { CART_MIGRATIONS } from '@cleave/domains/cart/cart.migrations';
import { CATALOG_MIGRATIONS } from '@cleave/domains/catalog/catalog.migrations';
import { NOTIFICATIONS_MIGRATIONS } from '@cleave/domains/notifications/notifications.migrations';
import { ORDERS_MIGRATIONS } from '@cleave/domains/orders/orders.migrations';
import { PAYMENTS_MIGRATIONS } from '@cleave/domains/payments/payments.migrations';
import { USERS_MIGRATIONS } from '@cleave/domains/users/users.migrations';
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
  /** What its DatabaseModule runs (with the outbox's when it has one), for `npm run migrate`. */
  migrations: readonly Function[];
}

/** Every domain module by the name topologies use for it. Adding a domain is a line here. */
export const DOMAIN_MODULES: Readonly<Record<string, DomainModule>> = {
  users: { module: UsersModule, settings: [UsersSettings], migrations: [...USERS_MIGRATIONS, ...OUTBOX_MIGRATIONS] },
  catalog: { module: CatalogModule, settings: [CatalogSettings], migrations: CATALOG_MIGRATIONS },
  orders: { module: OrdersModule, settings: [OrdersSettings], migrations: [...ORDERS_MIGRATIONS, ...OUTBOX_MIGRATIONS] },
  notifications: { module: NotificationsModule, settings: [], migrations: NOTIFICATIONS_MIGRATIONS },
  cart: { module: CartModule, settings: [], migrations: CART_MIGRATIONS },
  payments: { module: PaymentsModule, settings: [PaymentsSettings], migrations: [...PAYMENTS_MIGRATIONS, ...OUTBOX_MIGRATIONS] },
};

export const MODULE_NAMES = Object.keys(DOMAIN_MODULES);
