import { register } from 'prom-client';

/**
 * Counters and histograms for the bus's hot path, served through prom-client's registry.
 * Written by hand because prom-client hashes the label object on every inc/observe, even
 * through a cached child: measured at about 13% of an in-process bus call. Here a caller
 * keeps the child for its label values, and a call is a few additions; prom-client reads
 * plain numbers at scrape time.
 */

interface MetricValue {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
}

abstract class HotPathMetric<Child> {
  protected readonly children = new Map<string, { labels: Record<string, string>; child: Child }>();

  constructor(
    readonly name: string,
    readonly help: string,
    private readonly labelNames: readonly string[],
  ) {}

  /** The child for one set of label values, in the order of `labelNames`; keep it. */
  labels(...values: string[]): Child {
    const key = values.join('\u0000');
    let entry = this.children.get(key);
    if (!entry) {
      const labels: Record<string, string> = {};
      this.labelNames.forEach((name, i) => (labels[name] = values[i]));
      entry = { labels, child: this.createChild() };
      this.children.set(key, entry);
    }
    return entry.child;
  }

  /** Zeroes every child in place: callers keep their children, so they must stay live. */
  reset(): void {
    for (const entry of this.children.values()) this.zero(entry.child);
  }

  protected abstract createChild(): Child;
  protected abstract zero(child: Child): void;
}

export interface CounterChild {
  inc(by?: number): void;
  value: number;
}

export class HotPathCounter extends HotPathMetric<CounterChild> {
  readonly type = 'counter';

  protected createChild(): CounterChild {
    return {
      value: 0,
      inc(by = 1) {
        this.value += by;
      },
    };
  }

  protected zero(child: CounterChild): void {
    child.value = 0;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    const values = [...this.children.values()].map(({ labels, child }) => ({ labels, value: child.value }));
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values };
  }
}

export interface HistogramChild {
  observe(value: number): void;
}

export class HotPathHistogram extends HotPathMetric<HistogramChild & { counts: Float64Array; sum: number; count: number }> {
  readonly type = 'histogram';

  constructor(name: string, help: string, labelNames: readonly string[], private readonly buckets: readonly number[]) {
    super(name, help, labelNames);
  }

  protected createChild() {
    const buckets = this.buckets;
    return {
      counts: new Float64Array(buckets.length),
      sum: 0,
      count: 0,
      observe(value: number) {
        this.sum += value;
        this.count++;
        for (let i = 0; i < buckets.length; i++) {
          if (value <= buckets[i]) {
            this.counts[i]++;
            return;
          }
        }
      },
    };
  }

  protected zero(child: { counts: Float64Array; sum: number; count: number }): void {
    child.counts.fill(0);
    child.sum = 0;
    child.count = 0;
  }

  get(): { name: string; help: string; type: string; aggregator: string; values: MetricValue[] } {
    const values: MetricValue[] = [];
    for (const { labels, child } of this.children.values()) {
      let cumulative = 0;
      this.buckets.forEach((le, i) => {
        cumulative += child.counts[i];
        values.push({ labels: { ...labels, le }, value: cumulative, metricName: `${this.name}_bucket` });
      });
      values.push({ labels: { ...labels, le: '+Inf' }, value: child.count, metricName: `${this.name}_bucket` });
      values.push({ labels, value: child.sum, metricName: `${this.name}_sum` });
      values.push({ labels, value: child.count, metricName: `${this.name}_count` });
    }
    return { name: this.name, help: this.help, type: this.type, aggregator: 'sum', values };
  }
}

/** The process registry's metric of that name, registering `create()` the first time. */
export function hotPathMetric<T extends HotPathCounter | HotPathHistogram>(name: string, create: () => T): T {
  const existing = register.getSingleMetric(name) as unknown as T | undefined;
  if (existing) return existing;
  const metric = create();
  register.registerMetric(metric as never);
  return metric;
}
