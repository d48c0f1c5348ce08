/** A cumulative reading of one labelled counter or histogram child. */
export interface Cumulative {
  count: number;
  cumulative: readonly number[];
}

/**
 * The previous reading of every counter of every instance, so a sample can tell what
 * happened since. A reading below the previous one means the instance restarted (its
 * counters began again at zero): everything it counted since is new.
 */
export class CounterMemory {
  private readonly byInstance = new Map<string, Map<string, Cumulative>>();
  /** Instances read in the previous sample: a counter of theirs not seen then began since. */
  private previous = new Set<string>();

  /**
   * What `key` of `instance` counted since its previous reading. Undefined for the first
   * reading of an instance that was already running (its totals are history), unless
   * `fromZero` says it started since the previous sample.
   */
  delta(instance: string, key: string, current: Cumulative, fromZero: boolean): Cumulative | undefined {
    let readings = this.byInstance.get(instance);
    if (!readings) this.byInstance.set(instance, (readings = new Map()));
    const previous = readings.get(key);
    readings.set(key, current);
    if (!previous) return fromZero || this.previous.has(instance) ? current : undefined;
    if (current.count < previous.count) return current;
    return {
      count: current.count - previous.count,
      cumulative: current.cumulative.map((c, i) => Math.max(0, c - (previous.cumulative[i] ?? 0))),
    };
  }

  /** Ends a sample in which `read` were read: what others left is dropped. */
  commit(read: ReadonlySet<string>): void {
    for (const id of this.byInstance.keys()) if (!read.has(id)) this.byInstance.delete(id);
    this.previous = new Set(read);
  }

  clear(): void {
    this.byInstance.clear();
    this.previous.clear();
  }
}
