import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { CartItemView, CartView } from '@cleave/contracts/cart/cart.contract';
import type { ProductPage, ProductView } from '@cleave/contracts/catalog/catalog.contract';
import type { NotificationView } from '@cleave/contracts/notifications/notifications.contract';
import type { OrderLine, OrderPage, OrderStatus, OrderView } from '@cleave/contracts/orders/orders.contract';
import type { PaymentStatus, PaymentView } from '@cleave/contracts/payments/payments.contract';
import type { Registration, Role, UserPage, UserView } from '@cleave/contracts/users/users.contract';

/*
 * The answers of the customer-facing routes, as OpenAPI schemas. Each class implements its
 * contract's view, so the compiler keeps the two in step; the Nest CLI's swagger plugin reads
 * the properties from the types (every file ending .dto.ts).
 */

const ORDER_STATUSES: OrderStatus[] = ['PENDING', 'CONFIRMED', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED'];
const PAYMENT_STATUSES: PaymentStatus[] = ['CHARGED', 'DECLINED', 'REFUNDED', 'VOIDED'];

export class UserViewDto implements UserView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: ['customer', 'admin'] }) role!: Role;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class UserPageDto implements UserPage {
  @ApiProperty({ type: [UserViewDto] }) items!: UserViewDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

/** The same whether or not the email already had an account, so it tells nobody which do. */
export class RegistrationDto implements Registration {
  @ApiProperty({ format: 'email' }) email!: string;
  @ApiProperty() name!: string;
}

export class LoginResultDto {
  @ApiProperty({ description: 'send as `Authorization: Bearer <accessToken>`' }) accessToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ description: 'seconds until the token expires' }) expiresIn!: number;
  @ApiProperty({ description: 'spend at POST /auth/refresh for new tokens' }) refreshToken!: string;
  @ApiProperty({ description: 'seconds until the refresh token expires' }) refreshExpiresIn!: number;
  @ApiProperty({ type: UserViewDto }) user!: UserViewDto;
}

export class ProductViewDto implements ProductView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty() name!: string;
  @ApiProperty() description!: string;
  @ApiProperty() category!: string;
  @ApiProperty({ description: 'integer minor units (cents)' }) priceCents!: number;
  @ApiProperty({ example: 'USD' }) currency!: string;
  @ApiProperty() active!: boolean;
  @ApiProperty() stock!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class ProductPageDto implements ProductPage {
  @ApiProperty({ type: [ProductViewDto] }) items!: ProductViewDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class CartItemViewDto implements CartItemView {
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty() unitPriceCents!: number;
  @ApiProperty() currency!: string;
  @ApiProperty() lineTotalCents!: number;
  @ApiProperty({ description: 'orderable now, in this quantity' }) available!: boolean;
  @ApiProperty() inStock!: number;
}

export class CartViewDto implements CartView {
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ type: [CartItemViewDto] }) items!: CartItemViewDto[];
  @ApiProperty() totalCents!: number;
  @ApiPropertyOptional() currency?: string;
  @ApiProperty() checkoutReady!: boolean;
}

export class OrderLineDto implements OrderLine {
  @ApiProperty({ format: 'uuid' }) productId!: string;
  @ApiProperty() name!: string;
  @ApiProperty() quantity!: number;
  @ApiProperty() unitPriceCents!: number;
}

export class OrderViewDto implements OrderView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty({ enum: ORDER_STATUSES }) status!: OrderStatus;
  @ApiProperty({ type: [OrderLineDto] }) items!: OrderLineDto[];
  @ApiProperty() totalCents!: number;
  @ApiProperty() currency!: string;
  @ApiPropertyOptional() cancelReason?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class OrderPageDto implements OrderPage {
  @ApiProperty({ type: [OrderViewDto] }) items!: OrderViewDto[];
  @ApiProperty() total!: number;
  @ApiProperty() limit!: number;
  @ApiProperty() offset!: number;
}

export class PaymentViewDto implements PaymentView {
  @ApiProperty({ format: 'uuid' }) orderId!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() amountCents!: number;
  @ApiProperty() currency!: string;
  @ApiProperty({ enum: PAYMENT_STATUSES }) status!: PaymentStatus;
  @ApiPropertyOptional() reason?: string;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
  @ApiProperty({ format: 'date-time' }) updatedAt!: string;
}

export class NotificationViewDto implements NotificationView {
  @ApiProperty({ format: 'uuid' }) id!: string;
  @ApiProperty({ format: 'uuid' }) userId!: string;
  @ApiProperty() kind!: string;
  @ApiProperty() message!: string;
  @ApiProperty() eventId!: string;
  @ApiProperty() read!: boolean;
  @ApiProperty() seq!: number;
  @ApiProperty({ format: 'date-time' }) createdAt!: string;
}

export class UpdatedCountDto {
  @ApiProperty() updated!: number;
}

export class ErrorBodyDto {
  @ApiProperty({ example: 400 }) statusCode!: number;
  @ApiProperty({ description: 'a stable code', example: 'VALIDATION_FAILED' }) error!: string;
  @ApiProperty() message!: string;
  @ApiPropertyOptional({ description: 'for VALIDATION_FAILED: one message per field', type: 'object', additionalProperties: true }) details?: Record<string, unknown>;
  @ApiProperty({ pattern: '^[0-9a-f]{32}$' }) traceId!: string;
}
