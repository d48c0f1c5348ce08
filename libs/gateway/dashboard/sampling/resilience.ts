import type { MetricSnapshot } from '@cleave/platform/metrics';
import type { BreakerView, BulkheadView, ConsumerView, DeadLetterView, OutboxView, ResilienceView } from '../dashboard.view';
import { plainValues } from './histograms';
import { METRICS } from './metric-names';

export interface InstanceGauges {
  instanceId: string;
  process: string;
  metrics: ReadonlyMap<string, MetricSnapshot>;
}

const BREAKER_STATES: BreakerView['state'][] = ['closed', 'half-open', 'open'];

/**
 * Breakers and bulkheads belong to each calling instance, so they are listed per instance.
 * Outbox backlogs, consumer lags and dead letters are the same table or stream read by every
 * instance of a module (a dead-letter stream, by every subscriber's): the largest reading
 * stands for them. Split, dead letters are per event (`npm run dlq`, GET /dead-letters); in
 * one process an event its subscribers kept failing is parked in its outbox (`dead`).
 */
export function readResilience(instances: readonly InstanceGauges[]): ResilienceView {
  const breakers: BreakerView[] = [];
  const bulkheads: BulkheadView[] = [];
  const outboxes = new Map<string, OutboxView>();
  const consumers = new Map<string, ConsumerView>();
  const deadLetters = new Map<string, DeadLetterView>();
  for (const { instanceId, process, metrics } of instances) {
    for (const { labels, value } of plainValues(metrics.get(METRICS.breaker))) {
      breakers.push({ process, instanceId, target: labels.target, state: BREAKER_STATES[value] ?? 'open' });
    }
    const queued = new Map(plainValues(metrics.get(METRICS.bulkheadQueued)).map(({ labels, value }) => [labels.target, value]));
    for (const { labels, value } of plainValues(metrics.get(METRICS.bulkheadActive))) {
      bulkheads.push({ process, instanceId, target: labels.target, active: value, queued: queued.get(labels.target) ?? 0 });
    }
    const outbox = (module: string) => {
      let row = outboxes.get(module);
      if (!row) outboxes.set(module, (row = { module, backlog: 0, oldestAgeSeconds: 0, dead: 0 }));
      return row;
    };
    for (const { labels, value } of plainValues(metrics.get(METRICS.outboxBacklog))) outbox(labels.module).backlog = Math.max(outbox(labels.module).backlog, finite(value));
    for (const { labels, value } of plainValues(metrics.get(METRICS.outboxAge))) {
      outbox(labels.module).oldestAgeSeconds = Math.max(outbox(labels.module).oldestAgeSeconds, Math.round(finite(value) * 10) / 10);
    }
    for (const { labels, value } of plainValues(metrics.get(METRICS.outboxDead))) outbox(labels.module).dead = Math.max(outbox(labels.module).dead, finite(value));
    for (const { labels, value } of plainValues(metrics.get(METRICS.consumerLag))) {
      const key = `${labels.group}>${labels.event}`;
      let row = consumers.get(key);
      if (!row) consumers.set(key, (row = { subscriber: labels.group, event: labels.event, undelivered: 0, unacknowledged: 0 }));
      if (labels.state === 'undelivered') row.undelivered = Math.max(row.undelivered, finite(value));
      if (labels.state === 'unacknowledged') row.unacknowledged = Math.max(row.unacknowledged, finite(value));
    }
    for (const { labels, value } of plainValues(metrics.get(METRICS.deadLetters))) {
      deadLetters.set(labels.event, { event: labels.event, count: Math.max(deadLetters.get(labels.event)?.count ?? 0, finite(value)) });
    }
  }
  const byName = <T>(key: (t: T) => string) => (a: T, b: T) => key(a).localeCompare(key(b));
  return {
    breakers: breakers.sort(byName((b) => `${b.process} ${b.instanceId} ${b.target}`)),
    bulkheads: bulkheads.sort(byName((b) => `${b.process} ${b.instanceId} ${b.target}`)),
    outboxes: [...outboxes.values()].sort(byName((o) => o.module)),
    consumers: [...consumers.values()].sort(byName((c) => `${c.subscriber} ${c.event}`)),
    deadLetters: [...deadLetters.values()].sort(byName((d) => d.event)),
  };
}

/** A source that failed to read reports NaN: shown as nothing waiting rather than a broken number. */
function finite(value: number): number {
  return Number.isFinite(value) ? value : 0;
}
