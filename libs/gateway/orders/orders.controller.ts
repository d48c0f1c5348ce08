import { Body, Controller, Get, Param, ParseUUIDPipe, Post, UseGuards } from '@nestjs/common';
import { OrdersClient, OrderView } from '@cleave/contracts/orders/orders.contract';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { PlaceOrderDto } from './orders.dto';

@Controller('orders')
@UseGuards(JwtAuthGuard)
export class OrdersController {
  constructor(private readonly orders: OrdersClient) {}

  @Post()
  place(@CurrentUser() user: AuthUser, @Body() body: PlaceOrderDto): Promise<OrderView> {
    return this.orders.placeOrder({ userId: user.id, items: body.items.map(({ productId, quantity }) => ({ productId, quantity })) });
  }

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<OrderView> {
    return this.orders.getOrder({ id, userId: user.id });
  }
}
