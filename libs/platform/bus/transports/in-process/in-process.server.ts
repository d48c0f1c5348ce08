import { Inject, Injectable } from '@nestjs/common';
import { BusServer } from '../../bus.server';
import { BUS_OPTIONS, BusOptions } from '../../bus.options';
import { BusMetrics } from '../../bus.metrics';
import { parseFaultDelays, parseFaultFailures } from '../../faults';

/**
 * The in-process transport's server: holds this process's handlers for the in-process
 * client to call directly. It listens on nothing.
 */
@Injectable()
export class InProcessServer extends BusServer {
  protected readonly transport = 'local' as const;
  private subscribersByEvent = new Map<string, string[]>();

  constructor(@Inject(BUS_OPTIONS) private readonly options: BusOptions, metrics: BusMetrics) {
    super(metrics, parseFaultDelays(options.faultDelays), parseFaultFailures(options.faultFailures));
  }

  protected get app(): string {
    return this.options.processName;
  }

  /** Whether a request pattern has a handler here. */
  serves(pattern: string): boolean {
    return this.messageHandlers.get(pattern)?.isEventHandler === false;
  }

  listen(callback: () => void): void {
    const index = new Map<string, string[]>();
    for (const { subscriber, event } of this.subscriptions()) index.set(event, [...(index.get(event) ?? []), subscriber]);
    this.subscribersByEvent = index;
    callback();
  }

  subscribersOf(event: string): readonly string[] {
    return this.subscribersByEvent.get(event) ?? [];
  }

  close(): void {}
}
