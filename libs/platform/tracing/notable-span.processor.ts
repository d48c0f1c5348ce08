import { Context, SpanStatusCode, TraceFlags } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface NotableSpans {
  /** Keep a root span that ended in an error. */
  errors: boolean;
  /** Keep a root span that lasted at least this long; 0: never for its duration. */
  slowMs: number;
}

/**
 * In front of the store's or exporter's processor: sampled spans pass as they are; a root span
 * that the ratio left out (recorded unsampled by ParentOrRatioSampler) passes, marked sampled,
 * when it failed or was slow. Sampling decides before a request runs; whether it was worth
 * keeping is known only at its end, so a slow or failed request keeps its root span — route,
 * status, duration, trace id (which its answer and logs carry) — though not the spans of the
 * work below it, which were never recorded: keeping those as well is a tail-sampling collector's
 * job (OTEL_EXPORTER_OTLP_ENDPOINT with a ratio of 1).
 */
export class NotableSpanProcessor implements SpanProcessor {
  constructor(
    private readonly next: SpanProcessor,
    private readonly notable: NotableSpans,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    this.next.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    if (span.spanContext().traceFlags & TraceFlags.SAMPLED) return this.next.onEnd(span);
    if (this.isNotable(span)) this.next.onEnd(asSampled(span));
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }

  private isNotable(span: ReadableSpan): boolean {
    if (this.notable.errors && span.status.code === SpanStatusCode.ERROR) return true;
    return this.notable.slowMs > 0 && hrTimeToMilliseconds(span.duration) >= this.notable.slowMs;
  }
}

/** The same span with the sampled flag set, which every processor and exporter checks. */
function asSampled(span: ReadableSpan): ReadableSpan {
  const original = span.spanContext();
  const sampled = { ...original, traceFlags: original.traceFlags | TraceFlags.SAMPLED };
  return Object.create(span, { spanContext: { value: () => sampled } }) as ReadableSpan;
}
