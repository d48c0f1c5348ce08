import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { StockService } from './stock.service';
import { CatalogSettings } from './catalog.settings';

/**
 * Releases reservations no saga committed or released in time (a crashed or stuck order),
 * every CLEAVE_RESERVATION_SWEEP_MS. Every instance sweeps; the releases are conditional,
 * so two sweeping the same reservation restock it once.
 */
@Injectable()
export class ReservationExpirySweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('ReservationExpiry');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly stock: StockService,
    private readonly settings: CatalogSettings,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.sweep(), this.settings.reservationSweepMs);
    // The sweep alone never keeps the process alive.
    this.timer.unref();
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One sweep; a sweep still running is not started twice. */
  sweep(): Promise<void> {
    this.running ??= this.stock
      .expireReservations()
      .then((count) => {
        if (count) this.logger.log(`Released ${count} expired reservation(s)`);
      })
      .catch((error: Error) => this.logger.error(`Expiry sweep failed: ${error.message}`))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
