import { Inject, Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { OrderRepository } from '../order.repository';
import { ORDERS_SETTINGS, OrdersSettings } from '../orders.settings';
import { CheckoutSaga } from './checkout-saga';

/**
 * Every instance of orders looks, at start and then periodically, for sagas nobody drives:
 * their driver died (its lease ran out) or their last attempt failed and its wait is over.
 * Each is claimed (one instance wins) and resumed or compensated.
 */
@Injectable()
export class SagaRecovery implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SagaRecovery');
  private timer?: NodeJS.Timeout;
  private pass?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly orders: OrderRepository,
    private readonly saga: CheckoutSaga,
    @Inject(ORDERS_SETTINGS) private readonly settings: OrdersSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass over what is due; exposed for tests. */
  async recoverDue(): Promise<number> {
    const due = await this.orders.dueForRecovery(50);
    // One at a time: recovery is a trickle, and this keeps the targets' load small after an outage.
    for (const order of due) {
      if (this.stopped) break;
      await this.saga.resume(order);
    }
    return due.length;
  }

  private schedule(delay: number): void {
    this.timer = setTimeout(() => {
      this.pass = this.recoverDue()
        .then(
          () => undefined,
          (error: unknown) => this.logger.error(`Recovery pass failed: ${(error as Error)?.message ?? String(error)}`),
        )
        .finally(() => {
          this.pass = undefined;
          if (!this.stopped) this.schedule(this.settings.sagaRecoveryMs);
        });
    }, delay);
    this.timer.unref();
  }
}
