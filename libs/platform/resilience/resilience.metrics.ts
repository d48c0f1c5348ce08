import { Counter, Gauge, register } from 'prom-client';

/** Policy state in the process's Prometheus registry. */
export class ResilienceMetrics {
  readonly breakerState = metric('cleave_breaker_state', () =>
    new Gauge({ name: 'cleave_breaker_state', help: 'Circuit breaker per target: 0 closed, 1 half-open, 2 open', labelNames: ['target'] }),
  );
  readonly bulkheadActive = metric('cleave_bulkhead_active', () =>
    new Gauge({ name: 'cleave_bulkhead_active', help: 'Calls to the target running now', labelNames: ['target'] }),
  );
  readonly bulkheadQueued = metric('cleave_bulkhead_queued', () =>
    new Gauge({ name: 'cleave_bulkhead_queued', help: 'Calls to the target waiting for a bulkhead slot', labelNames: ['target'] }),
  );
  readonly retries = metric('cleave_bus_retries_total', () =>
    new Counter({ name: 'cleave_bus_retries_total', help: 'Calls tried again after a retryable failure', labelNames: ['pattern'] }),
  );
  readonly rejected = metric('cleave_bus_rejected_total', () =>
    new Counter({ name: 'cleave_bus_rejected_total', help: 'Calls refused without being sent, by reason', labelNames: ['target', 'reason'] }),
  );
}

function metric<T>(name: string, create: () => T): T {
  return (register.getSingleMetric(name) as T | undefined) ?? create();
}
