import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { OrderRepository } from '../order.repository';
import { OrdersSettings } from '../orders.settings';
import { CheckoutSaga } from './checkout-saga';

const BATCH = 50;
/** A pass yields after this many batches, so shutdown and the timer stay responsive. */
const MAX_BATCHES_PER_PASS = 20;

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
    private readonly settings: OrdersSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.pass;
  }

  /** One pass over what is due, batch after batch while whole batches come; exposed for tests. */
  async recoverDue(): Promise<number> {
    let recovered = 0;
    for (let batch = 0; batch < MAX_BATCHES_PER_PASS && !this.stopped; batch++) {
      const due = await this.orders.dueForRecovery(BATCH, this.saga.drivenHere());
      // One at a time: this keeps the targets' load small right after an outage. Orders that
      // fail again are given a later retry time, so the next batch holds others.
      for (const order of due) {
        if (this.stopped) break;
        await this.saga.resume(order);
      }
      recovered += due.length;
      if (due.length < BATCH) break;
    }
    return recovered;
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
