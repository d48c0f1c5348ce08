import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';

/** A finished span as `GET /traces/:traceId` shows it: plain JSON, the same from every store. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  /** Absent on the root span of a trace. */
  parentSpanId?: string;
  name: string;
  kind: 'internal' | 'server' | 'client' | 'producer' | 'consumer';
  /** The process of the topology that recorded it (`service.name`). */
  process: string;
  /** The instance of that process (`service.instance.id`). */
  instance: string;
  /** Epoch milliseconds. */
  startTime: number;
  durationMs: number;
  status: 'unset' | 'ok' | 'error';
  statusMessage?: string;
  attributes: Record<string, unknown>;
  /** Spans this one is linked to without being their child: a client's own trace context, say. */
  links?: { traceId: string; spanId: string }[];
}

/** One line of `GET /traces`. */
export interface TraceSummary {
  traceId: string;
  /** The root span's name, else the earliest span's. */
  name: string;
  startTime: string;
  durationMs: number;
  spanCount: number;
  processes: string[];
  errors: number;
  /** The HTTP status the root span answered, when the trace began with an HTTP request. */
  statusCode?: number;
}

/**
 * Where finished spans are kept when no OTLP endpoint is configured, so a request can be
 * followed without a tracing server. Bounded: old traces go, a trace keeps at most a fixed
 * number of spans (the latest ones, so the root, which ends last, survives).
 */
export interface SpanStore {
  readonly kind: 'memory' | 'redis';
  /** Spans of one trace, in start order; empty when unknown or expired. */
  trace(traceId: string): Promise<StoredSpan[]>;
  /** The most recent traces, newest first. */
  recent(limit: number): Promise<TraceSummary[]>;
}

/** What a store knows about the process whose spans it writes. */
export interface SpanOrigin {
  process: string;
  instance: string;
}

export interface SpanStoreLimits {
  /** Traces kept (the index of recent trace ids, in Redis). */
  maxTraces: number;
  /** Spans kept per trace. */
  maxSpansPerTrace: number;
  /** Memory only: spans kept in all. */
  maxSpans: number;
  /** Redis only: seconds a trace is kept after its last span was written. */
  ttlSeconds: number;
}

export const SPAN_STORE = Symbol('SPAN_STORE');

const KINDS: StoredSpan['kind'][] = ['internal', 'server', 'client', 'producer', 'consumer'];

export function toStoredSpan(span: ReadableSpan, origin: SpanOrigin): StoredSpan {
  const { traceId, spanId } = span.spanContext();
  const stored: StoredSpan = {
    traceId,
    spanId,
    name: span.name,
    kind: KINDS[span.kind] ?? KINDS[SpanKind.INTERNAL],
    process: origin.process,
    instance: origin.instance,
    startTime: hrTimeToMilliseconds(span.startTime),
    durationMs: hrTimeToMilliseconds(span.duration),
    status: span.status.code === SpanStatusCode.ERROR ? 'error' : span.status.code === SpanStatusCode.OK ? 'ok' : 'unset',
    attributes: { ...span.attributes },
  };
  if (span.parentSpanContext?.spanId) stored.parentSpanId = span.parentSpanContext.spanId;
  if (span.status.message) stored.statusMessage = span.status.message;
  if (span.links?.length) stored.links = span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId }));
  return stored;
}

/**
 * A trace's spans in start order; spans that started in the same millisecond (span start
 * times have millisecond precision) parents first.
 */
export function inStartOrder(spans: StoredSpan[]): StoredSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const depths = new Map<StoredSpan, number>();
  const depth = (span: StoredSpan): number => {
    let d = depths.get(span);
    if (d === undefined) {
      d = 0;
      for (let p = span.parentSpanId && byId.get(span.parentSpanId); p && d < spans.length; p = p.parentSpanId && byId.get(p.parentSpanId)) d++;
      depths.set(span, d);
    }
    return d;
  };
  return spans.sort((a, b) => a.startTime - b.startTime || depth(a) - depth(b));
}

/** The summary of a trace's spans (sorted or not). */
export function summarize(traceId: string, spans: readonly StoredSpan[]): TraceSummary {
  let root: StoredSpan | undefined;
  let first = spans[0];
  let start = Infinity;
  let end = -Infinity;
  let errors = 0;
  const processes = new Set<string>();
  for (const span of spans) {
    if (!root && !span.parentSpanId) root = span;
    if (span.startTime < first.startTime) first = span;
    start = Math.min(start, span.startTime);
    end = Math.max(end, span.startTime + span.durationMs);
    if (span.status === 'error') errors++;
    processes.add(span.process);
  }
  const summary: TraceSummary = {
    traceId,
    name: (root ?? first).name,
    startTime: new Date(start).toISOString(),
    durationMs: Math.round((end - start) * 1000) / 1000,
    spanCount: spans.length,
    processes: [...processes].sort(),
    errors,
  };
  const statusCode = root?.attributes['http.response.status_code'];
  if (typeof statusCode === 'number') summary.statusCode = statusCode;
  return summary;
}
