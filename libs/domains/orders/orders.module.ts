import { Module } from '@nestjs/common';
import { CatalogClient } from '@cleave/contracts/catalog/catalog.contract';
import { PaymentsClient } from '@cleave/contracts/payments/payments.contract';
import { BusModule } from '@cleave/platform/bus';
import { DatabaseModule } from '@cleave/platform/database';
import { withOutbox } from '@cleave/platform/outbox';
import { Order } from './order.entity';
import { ORDERS_MIGRATIONS } from './orders.migrations';
import { OrderRepository } from './order.repository';
import { CheckoutSaga } from './checkout/checkout-saga';
import { PlaceOrderService } from './checkout/place-order.service';
import { SagaRecovery } from './checkout/saga-recovery';
import { OrderLifecycleService } from './manage/order-lifecycle.service';
import { OrdersHandlers } from './orders.handlers';
import { OrdersMetrics } from './orders.metrics';

@Module({
  imports: [
    DatabaseModule.forModule(withOutbox({ module: 'orders', entities: [Order], migrations: ORDERS_MIGRATIONS })),
    BusModule.forClients(CatalogClient, PaymentsClient),
  ],
  controllers: [OrdersHandlers],
  providers: [
    OrderRepository,
    CheckoutSaga,
    PlaceOrderService,
    SagaRecovery,
    OrderLifecycleService,
    OrdersMetrics,
  ],
})
export class OrdersModule {}
