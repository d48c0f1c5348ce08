import { Injectable } from '@nestjs/common';
import { Counter, Gauge, register } from 'prom-client';
import { HotPathCounter, HotPathHistogram, hotPathMetric, readForScrape } from '@cleave/platform/metrics';

/** Per subscribing module and stream: entries not yet delivered, and delivered but not acknowledged. */
export interface ConsumerLag {
  group: string;
  event: string;
  lag: number;
  pending: number;
}

export type TransportName = 'local' | 'redis';
export type Outcome = 'ok' | 'error' | 'timeout';

/** Per event: entries in its dead-letter stream. */
export interface DeadLetterCount {
  event: string;
  count: number;
}

/** Every consumer's lag source: one gauge per process reads them all, whichever BusMetrics registered it. */
const lagSources = new Set<() => Promise<ConsumerLag[]>>();
const deadLetterSources = new Set<() => Promise<DeadLetterCount[]>>();

/** Bus counters in the process's Prometheus registry; the per-message ones are hot-path metrics. */
@Injectable()
export class BusMetrics {
  private readonly handled = hotPathMetric('cleave_bus_handled_total', () =>
    new HotPathCounter('cleave_bus_handled_total', 'Messages handled by this instance, by pattern, transport and outcome', ['pattern', 'transport', 'outcome']),
  );
  private readonly calls = hotPathMetric('cleave_bus_call_duration_seconds', () =>
    new HotPathHistogram(
      'cleave_bus_call_duration_seconds',
      'Bus calls made by this instance, from send to answer, by calling module, pattern, transport and outcome',
      ['caller', 'pattern', 'transport', 'outcome'],
      BUCKETS,
    ),
  );
  private readonly events = hotPathMetric('cleave_event_handler_duration_seconds', () =>
    new HotPathHistogram(
      'cleave_event_handler_duration_seconds',
      'Events handled by this instance, by subscribing module, event, transport and outcome',
      ['subscriber', 'event', 'transport', 'outcome'],
      BUCKETS,
    ),
  );
  private readonly dropped = getOrCreate('cleave_bus_expired_total', () =>
    new Counter({
      name: 'cleave_bus_expired_total',
      help: 'Requests dropped unhandled because their deadline passed while queued',
      labelNames: ['pattern'],
    }),
  );
  private readonly lag = getOrCreate('cleave_event_consumer_lag', () => {
    const sources = lagSources;
    return new Gauge({
      name: 'cleave_event_consumer_lag',
      help: 'Events not yet delivered to a subscribing module (read at scrape time)',
      labelNames: ['group', 'event', 'state'],
      async collect() {
        this.reset();
        for (const source of sources) {
          for (const { group, event, lag, pending } of await readForScrape(source, [])) {
            this.labels(group, event, 'undelivered').set(lag);
            this.labels(group, event, 'unacknowledged').set(pending);
          }
        }
      },
    });
  });
  private readonly deadLetters = getOrCreate('cleave_event_dead_letters', () => {
    const sources = deadLetterSources;
    return new Gauge({
      name: 'cleave_event_dead_letters',
      help: 'Events in the dead-letter stream of each event type a module here subscribes to (read at scrape time)',
      labelNames: ['event'],
      async collect() {
        this.reset();
        for (const source of sources) for (const { event, count } of await readForScrape(source, [])) this.labels(event).set(count);
      },
    });
  });
  private readonly handledChildren = new Map<string, { inc(): void }>();
  private readonly callChildren = new Map<string, { observe(v: number): void }>();
  private readonly eventChildren = new Map<string, { observe(v: number): void }>();

  countHandled(pattern: string, transport: TransportName, outcome: Outcome): void {
    const key = `${pattern}|${transport}|${outcome}`;
    let child = this.handledChildren.get(key);
    if (!child) this.handledChildren.set(key, (child = this.handled.labels(pattern, transport, outcome)));
    child.inc();
  }

  observeCall(caller: string, pattern: string, transport: TransportName, outcome: Outcome, seconds: number): void {
    const key = `${caller}|${pattern}|${transport}|${outcome}`;
    let child = this.callChildren.get(key);
    if (!child) this.callChildren.set(key, (child = this.calls.labels(caller, pattern, transport, outcome)));
    child.observe(seconds);
  }

  /** One delivery of `event` to `subscriber`'s handler, and how long the handler took. */
  observeEvent(subscriber: string, event: string, transport: TransportName, outcome: Outcome, seconds: number): void {
    const key = `${subscriber}|${event}|${transport}|${outcome}`;
    let child = this.eventChildren.get(key);
    if (!child) this.eventChildren.set(key, (child = this.events.labels(subscriber, event, transport, outcome)));
    child.observe(seconds);
  }

  /** Adds a source of consumer lag, read at each scrape. */
  reportLag(source: () => Promise<ConsumerLag[]>): void {
    void this.lag;
    lagSources.add(source);
  }

  /** Adds a source of dead-letter counts, read at each scrape. */
  reportDeadLetters(source: () => Promise<DeadLetterCount[]>): void {
    void this.deadLetters;
    deadLetterSources.add(source);
  }

  countExpired(pattern: string): void {
    this.dropped.labels(pattern).inc();
  }
}

const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

function getOrCreate<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}
