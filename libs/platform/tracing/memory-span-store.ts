import { Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { inStartOrder, SpanOrigin, SpanStore, SpanStoreLimits, StoredSpan, summarize, toStoredSpan, TraceSummary } from './span-store';

/**
 * The store of a one-process topology: finished spans in memory, grouped by trace. Bounded
 * by `maxTraces` and `maxSpans` in all (the oldest traces go first) and `maxSpansPerTrace`
 * (the oldest span of an overfull trace goes). Spans are kept as the SDK made them and turned into JSON only when
 * read, so recording one costs a map lookup and an array push.
 */
export class MemorySpanStore implements SpanStore {
  readonly kind = 'memory' as const;
  /** Insertion-ordered: the first key is the oldest trace. */
  private readonly traces = new Map<string, ReadableSpan[]>();
  private spanCount = 0;

  constructor(
    private readonly origin: SpanOrigin,
    private readonly limits: Pick<SpanStoreLimits, 'maxTraces' | 'maxSpansPerTrace' | 'maxSpans'>,
  ) {}

  add(span: ReadableSpan): void {
    const traceId = span.spanContext().traceId;
    let spans = this.traces.get(traceId);
    if (!spans) {
      if (this.traces.size >= this.limits.maxTraces) this.evictOldest();
      this.traces.set(traceId, (spans = []));
    } else if (spans.length >= this.limits.maxSpansPerTrace) {
      spans.shift();
      this.spanCount--;
    }
    spans.push(span);
    if (++this.spanCount > this.limits.maxSpans) this.evictOldest();
  }

  private evictOldest(): void {
    const [traceId, spans] = this.traces.entries().next().value!;
    this.traces.delete(traceId);
    this.spanCount -= spans.length;
  }

  get size(): number {
    return this.traces.size;
  }

  async trace(traceId: string): Promise<StoredSpan[]> {
    return inStartOrder((this.traces.get(traceId) ?? []).map((s) => toStoredSpan(s, this.origin)));
  }

  async recent(limit: number): Promise<TraceSummary[]> {
    const ids = [...this.traces.keys()].slice(-limit).reverse();
    return ids.map((id) => summarize(id, this.traces.get(id)!.map((s) => toStoredSpan(s, this.origin))));
  }
}

/** Hands each finished, sampled span to the memory store, synchronously: nothing to batch. */
export class MemoryStoreSpanProcessor implements SpanProcessor {
  constructor(private readonly store: MemorySpanStore) {}

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if (span.spanContext().traceFlags & 1) this.store.add(span);
  }

  async forceFlush(): Promise<void> {}

  async shutdown(): Promise<void> {}
}
