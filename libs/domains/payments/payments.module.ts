import { Module } from '@nestjs/common';
import { DatabaseModule } from '@cleave/platform/database';
import { withOutbox } from '@cleave/platform/outbox';
import { Payment } from './payment.entity';
import { CreatePayments1767000000005 } from './migrations/1767000000005-create-payments';
import { PaymentProvider } from './payment-provider';
import { PaymentsHandlers } from './payments.handlers';
import { PaymentsService } from './payments.service';
import { PAYMENTS_SETTINGS, PaymentsSettings, readPaymentsSettings } from './payments.settings';
import { SimulatedPaymentProvider } from './simulated-payment.provider';

@Module({
  imports: [DatabaseModule.forModule(withOutbox({ module: 'payments', entities: [Payment], migrations: [CreatePayments1767000000005] }))],
  controllers: [PaymentsHandlers],
  providers: [
    { provide: PAYMENTS_SETTINGS, useFactory: () => readPaymentsSettings(process.env) },
    { provide: PaymentProvider, useFactory: (settings: PaymentsSettings) => new SimulatedPaymentProvider(settings), inject: [PAYMENTS_SETTINGS] },
    PaymentsService,
  ],
})
export class PaymentsModule {}
