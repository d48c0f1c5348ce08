import { Controller, Get, Param, ParseUUIDPipe, UseGuards } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { PaymentViewDto } from '../http/openapi/views.dto';
import { PaymentsClient, PaymentView } from '@cleave/contracts/payments/payments.contract';
import { AuthUser, ownerScope } from '../auth/auth-user';
import { CurrentUser } from '../auth/current-user.decorator';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';

@Controller('orders')
@UseGuards(JwtAuthGuard)
export class PaymentsController {
  constructor(private readonly payments: PaymentsClient) {}

  /** An order's payment: a customer sees their own only (404 otherwise), an admin any. */
  @Get(':id/payment')
  @ApiResponse({ status: 200, type: PaymentViewDto, description: "The order's payment" })
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) orderId: string): Promise<PaymentView> {
    return this.payments.getPayment({ orderId, userId: ownerScope(user) });
  }
}
