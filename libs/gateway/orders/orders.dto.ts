import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { FulfilmentStatus, OrderStatus } from '@cleave/contracts/orders/orders.contract';
import { PAYMENT_METHOD_FORMAT } from '@cleave/contracts/payments/payments.contract';
import { PageQuery } from '../http/page.query';

export class OrderItemDto {
  @IsUUID()
  productId!: string;

  @IsInt()
  @Min(1)
  @Max(1000)
  quantity!: number;
}

export class PaymentMethodDto {
  /** The simulated provider's method, e.g. pm_card_ok or pm_card_declined. */
  @IsOptional()
  @Matches(PAYMENT_METHOD_FORMAT, { message: 'paymentMethod must be 1 to 64 letters, digits or underscores' })
  paymentMethod?: string;
}

export class PlaceOrderDto extends PaymentMethodDto {
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrderItemDto)
  items!: OrderItemDto[];
}

export class ListOrdersQuery extends PageQuery {
  @IsOptional()
  @IsIn(['PENDING', 'CONFIRMED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'])
  status?: OrderStatus;
}

export class AdminListOrdersQuery extends ListOrdersQuery {
  @IsOptional()
  @IsUUID()
  userId?: string;
}

export class CancelOrderDto {
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class SetStatusDto {
  @IsIn(['PAID', 'SHIPPED', 'DELIVERED'])
  status!: FulfilmentStatus;
}
