import { Module } from '@nestjs/common';
import { DatabaseModule } from '@cleave/platform/database';
import { withOutbox } from '@cleave/platform/outbox';
import { Payment } from './payment.entity';
import { PAYMENTS_MIGRATIONS } from './payments.migrations';
import { PaymentProvider } from './payment-provider';
import { PaymentsHandlers } from './payments.handlers';
import { PaymentsService } from './payments.service';
import { PaymentsSettings } from './payments.settings';
import { SimulatedPaymentProvider } from './simulated-payment.provider';

@Module({
  imports: [DatabaseModule.forModule(withOutbox({ module: 'payments', entities: [Payment], migrations: PAYMENTS_MIGRATIONS }))],
  controllers: [PaymentsHandlers],
  providers: [
    // The simulator reads its settings on every charge: CLEAVE_PAYMENTS_* apply live.
    { provide: PaymentProvider, useFactory: (settings: PaymentsSettings) => new SimulatedPaymentProvider(settings), inject: [PaymentsSettings] },
    PaymentsService,
  ],
})
export class PaymentsModule {}
