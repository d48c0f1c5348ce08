import type { MetricSnapshot } from '@cleave/platform/metrics';

/** One labelled child of a Prometheus histogram, cumulative as exported. */
export interface HistogramChild {
  /** The child's labels without `le`, in a stable order: its identity across samples. */
  key: string;
  labels: Record<string, string>;
  /** Upper bounds of the finite buckets, ascending. */
  bounds: number[];
  /** Cumulative counts per finite bound. */
  cumulative: number[];
  count: number;
}

/** Groups a histogram's `_bucket` and `_count` values into its children. */
export function histogramChildren(metric: MetricSnapshot | undefined): HistogramChild[] {
  if (!metric || String(metric.type) !== 'histogram') return [];
  const children = new Map<string, HistogramChild & { buckets: Map<number, number> }>();
  for (const value of metric.values) {
    const { le, ...labels } = value.labels as Record<string, string | number>;
    const plain = stringLabels(labels);
    const key = labelKey(plain);
    let child = children.get(key);
    if (!child) children.set(key, (child = { key, labels: plain, bounds: [], cumulative: [], count: 0, buckets: new Map() }));
    const name = (value as { metricName?: string }).metricName ?? '';
    if (name.endsWith('_count')) child.count = value.value;
    else if (name.endsWith('_bucket') && le !== undefined && le !== '+Inf') child.buckets.set(Number(le), value.value);
  }
  return [...children.values()].map(({ buckets, ...child }) => {
    const bounds = [...buckets.keys()].sort((a, b) => a - b);
    return { ...child, bounds, cumulative: bounds.map((b) => buckets.get(b)!) };
  });
}

/** A gauge's or counter's values by their labels. */
export function plainValues(metric: MetricSnapshot | undefined): { labels: Record<string, string>; value: number }[] {
  if (!metric) return [];
  return metric.values.map((v) => ({ labels: stringLabels(v.labels as Record<string, string | number>), value: v.value }));
}

/**
 * The q-quantile of observations spread over cumulative buckets, interpolated linearly
 * inside the bucket it falls in (as Prometheus's histogram_quantile does). Past the last
 * finite bound it answers that bound. Null without observations.
 */
export function quantile(q: number, bounds: readonly number[], cumulative: readonly number[], count: number): number | null {
  if (count <= 0) return null;
  const rank = q * count;
  let below = 0;
  for (let i = 0; i < bounds.length; i++) {
    if (cumulative[i] >= rank) {
      const lower = i === 0 ? 0 : bounds[i - 1];
      const inBucket = cumulative[i] - below;
      return inBucket <= 0 ? bounds[i] : lower + ((bounds[i] - lower) * (rank - below)) / inBucket;
    }
    below = cumulative[i];
  }
  return bounds.length ? bounds[bounds.length - 1] : null;
}

export function labelKey(labels: Record<string, string>): string {
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

function stringLabels(labels: Record<string, string | number>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels)) out[k] = String(v);
  return out;
}
