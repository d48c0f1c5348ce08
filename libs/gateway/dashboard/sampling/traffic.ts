import type { MetricSnapshot } from '@cleave/platform/metrics';
import { CounterMemory, Cumulative } from './counter-memory';
import { histogramChildren } from './histograms';
import { METRICS } from './metric-names';
import { Tally } from './tally';

/** One instance's metrics in one sample. */
export interface InstanceMetrics {
  instanceId: string;
  /** It started after the previous sample: all it counted is new. */
  fresh: boolean;
  metrics: ReadonlyMap<string, MetricSnapshot>;
}

/** What a sample counted: per route and pattern (the charts), per module-to-module link (the diagram). */
export interface TrafficTallies {
  series: Map<string, Tally>;
  links: Map<string, Tally>;
}

/**
 * Requests the dashboard itself, probes and scrapers make: counting them would chart the
 * watching rather than the work.
 */
const OPERATIONAL_ROUTE = /^\/(dashboard|metrics|health)(\/|$)/;

/**
 * Adds up what every instance counted since the previous sample: HTTP requests per route
 * (errors: 5xx), bus calls per pattern and per caller-to-target link (errors: any outcome but
 * ok), event deliveries per event and subscriber and per publisher-to-subscriber link.
 */
export function tallyTraffic(instances: readonly InstanceMetrics[], memory: CounterMemory, publisherOf: (event: string) => string | undefined): TrafficTallies {
  const series = new Map<string, Tally>();
  const links = new Map<string, Tally>();
  const add = (into: Map<string, Tally>, key: string, count: number, errors: number, bounds: readonly number[], cumulative: readonly number[]) => {
    let tally = into.get(key);
    if (!tally) into.set(key, (tally = new Tally()));
    tally.add(count, errors, bounds, cumulative);
  };
  for (const instance of instances) {
    // Every child the instance has, with what it counted since the previous sample: none
    // (undefined) at the first reading of an instance that was already running.
    const read = (metric: string) =>
      histogramChildren(instance.metrics.get(metric)).map((child) => ({
        labels: child.labels,
        bounds: child.bounds,
        delta: memory.delta(instance.instanceId, `${metric}|${child.key}`, child, instance.fresh),
      }));
    for (const { labels, bounds, delta } of read(METRICS.http)) {
      if (!delta || OPERATIONAL_ROUTE.test(labels.route ?? '')) continue;
      add(series, `http:${labels.method} ${labels.route}`, delta.count, Number(labels.status) >= 500 ? delta.count : 0, bounds, delta.cumulative);
    }
    // A link is listed from the first reading on (the bus has seen it), its traffic from the second.
    const link = (key: string, errors: boolean, bounds: readonly number[], delta?: Cumulative) =>
      add(links, key, delta?.count ?? 0, errors ? (delta?.count ?? 0) : 0, bounds, delta?.cumulative ?? bounds.map(() => 0));
    for (const { labels, bounds, delta } of read(METRICS.calls)) {
      const failed = labels.outcome !== 'ok';
      const target = labels.pattern.slice(0, labels.pattern.indexOf('.'));
      if (delta) add(series, `call:${labels.pattern}`, delta.count, failed ? delta.count : 0, bounds, delta.cumulative);
      if (labels.caller && target) link(`call:${labels.caller}>${target}`, failed, bounds, delta);
    }
    for (const { labels, bounds, delta } of read(METRICS.events)) {
      const failed = labels.outcome !== 'ok';
      if (delta) add(series, `event:${labels.event}>${labels.subscriber}`, delta.count, failed ? delta.count : 0, bounds, delta.cumulative);
      const publisher = publisherOf(labels.event);
      if (publisher) link(`event:${publisher}>${labels.subscriber}`, failed, bounds, delta);
    }
  }
  return { series, links };
}
