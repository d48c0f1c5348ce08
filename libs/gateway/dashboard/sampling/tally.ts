import type { Point } from '../dashboard.view';
import { quantile } from './histograms';

/** Requests (or messages) counted for one row between two samples, with their latency buckets. */
export class Tally {
  count = 0;
  errors = 0;
  bounds: readonly number[] = [];
  cumulative: number[] = [];

  add(count: number, errors: number, bounds: readonly number[], cumulative: readonly number[]): void {
    this.count += count;
    this.errors += errors;
    if (!this.bounds.length) {
      this.bounds = bounds;
      this.cumulative = [...cumulative];
    } else {
      for (let i = 0; i < this.cumulative.length && i < cumulative.length; i++) this.cumulative[i] += cumulative[i];
    }
  }

  merge(other: Tally): void {
    this.add(other.count, other.errors, other.bounds, other.cumulative);
  }

  /** Rate per second over `seconds`, error ratio, p50 and p99 in milliseconds. */
  point(t: number, seconds: number): Point {
    const ms = (q: number) => {
      const value = quantile(q, this.bounds, this.cumulative, this.count);
      return value === null ? null : round(value * 1000);
    };
    return [t, round(this.count / seconds), this.count ? round(this.errors / this.count) : null, ms(0.5), ms(0.99)];
  }
}

/** Three significant digits: enough for a chart, and a few bytes per number on the wire. */
export function round(value: number): number {
  if (value === 0 || !Number.isFinite(value)) return value;
  return Number(value.toPrecision(3));
}
