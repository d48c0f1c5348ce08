import { Module } from '@nestjs/common';
import { CatalogClient } from '@cleave/contracts/catalog/catalog.contract';
import { OrdersClient } from '@cleave/contracts/orders/orders.contract';
import { BusModule } from '@cleave/platform/bus';
import { DatabaseModule } from '@cleave/platform/database';
import { CartItem } from './cart-item.entity';
import { CART_MIGRATIONS } from './cart.migrations';
import { CartHandlers } from './cart.handlers';
import { CartService } from './cart.service';
import { CheckoutService } from './checkout.service';

@Module({
  imports: [
    DatabaseModule.forModule({ module: 'cart', entities: [CartItem], migrations: CART_MIGRATIONS }),
    BusModule.forClients(CatalogClient, OrdersClient),
  ],
  controllers: [CartHandlers],
  providers: [CartService, CheckoutService],
})
export class CartModule {}
