// W3C trace context over HTTP, the bus and the database; the SDK, exporters and span store.
export { BusAttributes, busSpanAttributes, BusSpanOutcome, endBusSpan, failBusSpan, startBusSpan } from './bus-tracing';
export { QueryTracingSubscriber } from './query-tracing.subscriber';
export { SPAN_STORE, SpanOrigin, SpanStore, SpanStoreLimits, StoredSpan, TraceSummary } from './span-store';
export { activeTraceparent, cleaveTracer, contextFromTraceparent, formatTraceparent, parseTraceparent, TRACER_NAME } from './trace-context';
export { TracingModule } from './tracing.module';
export { TracingSettings } from './tracing.settings';
export { RedisSpanStore } from './redis-span-store';
