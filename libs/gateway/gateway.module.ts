import { Module } from '@nestjs/common';
import { APP_GUARD, APP_PIPE } from '@nestjs/core';
import { CartClient } from '@cleave/contracts/cart/cart.contract';
import { CatalogClient } from '@cleave/contracts/catalog/catalog.contract';
import { NotificationsClient } from '@cleave/contracts/notifications/notifications.contract';
import { OrdersClient } from '@cleave/contracts/orders/orders.contract';
import { PaymentsClient } from '@cleave/contracts/payments/payments.contract';
import { UsersClient } from '@cleave/contracts/users/users.contract';
import { BusModule } from '@cleave/platform/bus';
import { AuthController } from './auth/auth.controller';
import { CartController } from './cart/cart.controller';
import { ConfigController } from './config/config.controller';
import { AuthService } from './auth/auth.service';
import { AuthModule } from './auth/auth.module';
import { DashboardModule } from './dashboard/dashboard.module';
import { SystemHealthController } from './health/system-health.controller';
import { SystemHealthService } from './health/system-health.service';
import { SystemHealthMetrics } from './health/system-health.metrics';
import { gatewayValidationPipe } from './http/validation.pipe';
import { ClientRateLimitGuard } from './rate-limit/rate-limit.guards';
import { RateLimitModule } from './rate-limit/rate-limit.module';
import { NotificationsController } from './notifications/notifications.controller';
import { NotificationStreams } from './notifications/notification-streams';
import { OrdersController } from './orders/orders.controller';
import { PaymentsController } from './payments/payments.controller';
import { ProductsController } from './products/products.controller';
import { UsersController } from './users/users.controller';
import { TracesController } from './traces/traces.controller';
import { DeadLettersController } from './dead-letters/dead-letters.controller';

/** The only HTTP edge: validates, authenticates, and hands every request to a module over the bus. */
@Module({
  imports: [
    BusModule.forClients(UsersClient, CatalogClient, OrdersClient, NotificationsClient),
    BusModule.forClients(CartClient, PaymentsClient),
    AuthModule,
    RateLimitModule,
    DashboardModule,
  ],
  controllers: [AuthController, UsersController, ProductsController, OrdersController, NotificationsController, SystemHealthController, TracesController, CartController, PaymentsController, ConfigController, DeadLettersController],
  providers: [
    SystemHealthService,
    SystemHealthMetrics,
    AuthService,
    NotificationStreams,
    { provide: APP_GUARD, useClass: ClientRateLimitGuard },
    { provide: APP_PIPE, useValue: gatewayValidationPipe() },
  ],
})
export class GatewayModule {}
