import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@cleave/platform/bus';
import { CartItem, cartContract, CartView, Checkout } from '@cleave/contracts/cart/cart.contract';
import { OrderView } from '@cleave/contracts/orders/orders.contract';
import { CartService } from './cart.service';
import { CheckoutService } from './checkout.service';

@Controller()
export class CartHandlers {
  constructor(
    private readonly cart: CartService,
    private readonly checkouts: CheckoutService,
  ) {}

  @Handles(cartContract, 'getCart')
  getCart(@Payload() request: { userId: string }): Promise<CartView> {
    return this.cart.getCart(request);
  }

  @Handles(cartContract, 'addItem')
  addItem(@Payload() request: CartItem): Promise<CartView> {
    return this.cart.addItem(request);
  }

  @Handles(cartContract, 'setItem')
  setItem(@Payload() request: CartItem): Promise<CartView> {
    return this.cart.setItem(request);
  }

  @Handles(cartContract, 'removeItem')
  removeItem(@Payload() request: { userId: string; productId: string }): Promise<CartView> {
    return this.cart.removeItem(request);
  }

  @Handles(cartContract, 'clearCart')
  clearCart(@Payload() request: { userId: string }): Promise<CartView> {
    return this.cart.clearCart(request);
  }

  @Handles(cartContract, 'checkout')
  checkout(@Payload() request: Checkout): Promise<OrderView> {
    return this.checkouts.checkout(request);
  }
}
