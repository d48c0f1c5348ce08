import { IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

export class AddCartItemDto {
  @IsUUID()
  productId!: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  quantity!: number;
}

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
