import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post, Put, UseGuards } from '@nestjs/common';
import { ApiHeader, ApiResponse } from '@nestjs/swagger';
import { CartViewDto, OrderViewDto } from '../http/openapi/views.dto';
import { CartClient, CartView } from '@cleave/contracts/cart/cart.contract';
import { OrderView } from '@cleave/contracts/orders/orders.contract';
import { AuthUser } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { AddCartItemDto, CheckoutDto, SetCartItemDto } from './cart.dto';
import { IdempotencyKey } from '../http/idempotency-key.decorator';
import { LimitedBy, UserRateLimitGuard } from '../rate-limit/rate-limit.guards';

/** The caller's own cart; every route answers the cart as it now stands, checkout the order. */
@Controller('cart')
@UseGuards(JwtAuthGuard)
export class CartController {
  constructor(private readonly cart: CartClient) {}

  @Get()
  @ApiResponse({ status: 200, type: CartViewDto, description: "The caller's cart" })
  get(@CurrentUser() user: AuthUser): Promise<CartView> {
    return this.cart.getCart({ userId: user.id });
  }

  @Post('items')
  @HttpCode(200)
  @ApiResponse({ status: 200, type: CartViewDto, description: 'The cart, with the item added' })
  add(@CurrentUser() user: AuthUser, @Body() body: AddCartItemDto): Promise<CartView> {
    return this.cart.addItem({ userId: user.id, productId: body.productId, quantity: body.quantity });
  }

  @Put('items/:productId')
  @ApiResponse({ status: 200, type: CartViewDto, description: 'The cart, with the new quantity' })
  set(@CurrentUser() user: AuthUser, @Param('productId', ParseUUIDPipe) productId: string, @Body() body: SetCartItemDto): Promise<CartView> {
    return this.cart.setItem({ userId: user.id, productId, quantity: body.quantity });
  }

  @Delete('items/:productId')
  @ApiResponse({ status: 200, type: CartViewDto, description: 'The cart, without the item' })
  remove(@CurrentUser() user: AuthUser, @Param('productId', ParseUUIDPipe) productId: string): Promise<CartView> {
    return this.cart.removeItem({ userId: user.id, productId });
  }

  @Delete()
  @ApiResponse({ status: 200, type: CartViewDto, description: 'The cart, emptied' })
  clear(@CurrentUser() user: AuthUser): Promise<CartView> {
    return this.cart.clearCart({ userId: user.id });
  }

  @Post('checkout')
  @LimitedBy('checkout')
  @UseGuards(UserRateLimitGuard)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'the same key returns the same order instead of a second one' })
  @ApiResponse({ status: 201, type: OrderViewDto, description: 'The order placed from the cart (PENDING until stock and payment confirm it)' })
  checkout(@CurrentUser() user: AuthUser, @Body() body: CheckoutDto, @IdempotencyKey() idempotencyKey?: string): Promise<OrderView> {
    return this.cart.checkout({ userId: user.id, idempotencyKey, paymentMethod: body.paymentMethod });
  }
}
