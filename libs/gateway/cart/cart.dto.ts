import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { OrderItemDto } from '../orders/orders.dto';

/** A product and how many more of it: the same line as an order's. */
export class AddCartItemDto extends OrderItemDto {}

export class SetCartItemDto {
  /** 0 removes the line. */
  @IsInt()
  @Min(0)
  @Max(1000)
  quantity!: number;
}

export class CheckoutDto {
  /** The simulated provider's method: `pm_card_ok` (default) or `pm_card_declined`. */
  @IsOptional()
  @IsString()
  @Length(1, 100)
  paymentMethod?: string;
}
