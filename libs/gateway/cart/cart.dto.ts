import { IsInt, Max, Min } from 'class-validator';
import { OrderItemDto, PaymentMethodDto } from '../orders/orders.dto';

/** A product and how many more of it: the same line as an order's. */
export class AddCartItemDto extends OrderItemDto {}

export class SetCartItemDto {
  /** 0 removes the line. */
  @IsInt()
  @Min(0)
  @Max(1000)
  quantity!: number;
}

/** The simulated provider's method: `pm_card_ok` (default) or `pm_card_declined`. */
export class CheckoutDto extends PaymentMethodDto {}
