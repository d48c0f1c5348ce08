import { Module } from '@nestjs/common';
import { CatalogClient } from '@cleave/contracts/catalog/catalog.contract';
import { BusModule } from '@cleave/platform/bus/bus.module';
import { DatabaseModule } from '@cleave/platform/database/database.module';
import { Order } from './order.entity';
import { CreateOrders1767000000003 } from './migrations/1767000000003-create-orders';
import { OrdersHandlers } from './orders.handlers';
import { OrdersService } from './orders.service';

@Module({
  imports: [
    DatabaseModule.forModule({ module: 'orders', entities: [Order], migrations: [CreateOrders1767000000003] }),
    BusModule.forClients(CatalogClient),
  ],
  controllers: [OrdersHandlers],
  providers: [OrdersService],
})
export class OrdersModule {}
