import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { OrderPageDto, OrderViewDto } from '../http/openapi/views.dto';
import { OrderPage, OrdersClient, OrderView } from '@cleave/contracts/orders/orders.contract';
import { AuthUser, ownerScope } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { RolesGuard } from '../auth/roles.guard';
import { IdempotencyKey } from '../http/idempotency-key.decorator';
import { LimitedBy, UserRateLimitGuard } from '../rate-limit/rate-limit.guards';
import { AdminListOrdersQuery, CancelOrderDto, ListOrdersQuery, PlaceOrderDto, SetStatusDto } from './orders.dto';

@Controller('orders')
@UseGuards(JwtAuthGuard, RolesGuard)
export class OrdersController {
  constructor(private readonly orders: OrdersClient) {}

  /** Checkout of explicit lines (the cart's checkout is POST /cart/checkout). */
  @Post()
  @LimitedBy('checkout')
  @UseGuards(UserRateLimitGuard)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'the same key returns the same order instead of a second one' })
  @ApiResponse({ status: 201, type: OrderViewDto, description: 'The order, placed (PENDING until stock and payment confirm it)' })
  place(@CurrentUser() user: AuthUser, @Body() body: PlaceOrderDto, @IdempotencyKey() idempotencyKey?: string): Promise<OrderView> {
    const items = body.items.map(({ productId, quantity }) => ({ productId, quantity }));
    return this.orders.placeOrder({ userId: user.id, items, idempotencyKey, paymentMethod: body.paymentMethod });
  }

  /** The caller's order history, newest first. */
  @Get()
  @ApiResponse({ status: 200, type: OrderPageDto, description: "A page of the caller's orders, newest first" })
  list(@CurrentUser() user: AuthUser, @Query() query: ListOrdersQuery): Promise<OrderPage> {
    return this.orders.listOrders({ ...query, userId: user.id });
  }

  /** Admin: everyone's orders, or one user's. */
  @Get('all')
  @Roles('admin')
  @ApiResponse({ status: 200, type: OrderPageDto, description: 'A page of orders, newest first' })
  listAll(@Query() query: AdminListOrdersQuery): Promise<OrderPage> {
    return this.orders.listOrders(query);
  }

  /** The caller's order; an admin sees any. */
  @Get(':id')
  @ApiResponse({ status: 200, type: OrderViewDto, description: 'The order' })
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<OrderView> {
    return this.orders.getOrder({ id, userId: ownerScope(user) });
  }

  /** Before shipping: refunds the payment and puts the stock back. */
  @Post(':id/cancel')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: OrderViewDto, description: 'The order, cancelled' })
  cancel(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string, @Body() body: CancelOrderDto): Promise<OrderView> {
    return this.orders.cancelOrder({ id, userId: ownerScope(user), reason: body.reason });
  }

  @Patch(':id/status')
  @Roles('admin')
  @ApiResponse({ status: 200, type: OrderViewDto, description: 'The order, with its new status' })
  setStatus(@Param('id', ParseUUIDPipe) id: string, @Body() body: SetStatusDto): Promise<OrderView> {
    return this.orders.setStatus({ id, status: body.status });
  }
}
