import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { Handles } from '@cleave/platform/bus';
import { Charge, paymentsContract, PaymentView, Refund } from '@cleave/contracts/payments/payments.contract';
import { PaymentsService } from './payments.service';

@Controller()
export class PaymentsHandlers {
  constructor(private readonly payments: PaymentsService) {}

  @Handles(paymentsContract, 'charge')
  charge(@Payload() request: Charge): Promise<PaymentView> {
    return this.payments.charge(request);
  }

  @Handles(paymentsContract, 'refund')
  refund(@Payload() request: Refund): Promise<PaymentView> {
    return this.payments.refund(request);
  }

  @Handles(paymentsContract, 'getPayment')
  getPayment(@Payload() request: { orderId: string; userId?: string }): Promise<PaymentView> {
    return this.payments.getPayment(request ?? ({} as { orderId: string }));
  }
}
