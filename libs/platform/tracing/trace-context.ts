import { context, Context, INVALID_SPANID, INVALID_TRACEID, isSpanContextValid, ROOT_CONTEXT, SpanContext, trace, Tracer, TraceFlags } from '@opentelemetry/api';

import { currentCall } from '@cleave/platform/context';

/**
 * The W3C trace context helpers every instrumentation point shares (bus, HTTP, database,
 * logs). Only the OpenTelemetry API is used here: with no SDK registered every span is a
 * no-op that still carries an incoming trace context along.
 */

export const TRACER_NAME = 'cleave';

let tracer: Tracer | undefined;

/** The process's tracer, looked up once (not per span) and reset when the SDK is (un)installed. */
export function cleaveTracer(): Tracer {
  return (tracer ??= trace.getTracer(TRACER_NAME));
}

/** Forgets the cached tracer: the next span asks the global provider again. */
export function resetCleaveTracer(next?: Tracer): void {
  tracer = next;
}

/** The last context formatted, so the in-process hop (format, then parse) skips the parse. */
let lastFormatted: string | undefined;
let lastSpanContext: SpanContext | undefined;

/** `00-<trace id>-<span id>-<flags>`, or undefined for an invalid (absent) span context. */
export function formatTraceparent(spanContext: SpanContext): string | undefined {
  // Ids come from the SDK or from parseTraceparent, both well formed: only the all-zero ones are invalid.
  if (spanContext.traceId === INVALID_TRACEID || spanContext.spanId === INVALID_SPANID) return undefined;
  lastSpanContext = spanContext;
  return (lastFormatted = `00-${spanContext.traceId}-${spanContext.spanId}-${spanContext.traceFlags & TraceFlags.SAMPLED ? '01' : '00'}`);
}

const TRACEPARENT = /^([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?$/;

/**
 * Parses a W3C `traceparent`: version 00, or a later version read as 00 as the spec says
 * (extra fields ignored). Undefined when absent, malformed, or all-zero.
 */
export function parseTraceparent(value: string | undefined): SpanContext | undefined {
  if (typeof value !== 'string') return undefined;
  if (value === lastFormatted) return lastSpanContext;
  const match = TRACEPARENT.exec(value.trim());
  if (!match || match[1] === 'ff' || (match[1] === '00' && match[5] !== undefined)) return undefined;
  const spanContext: SpanContext = { traceId: match[2], spanId: match[3], traceFlags: parseInt(match[4], 16) & TraceFlags.SAMPLED, isRemote: true };
  return isSpanContextValid(spanContext) ? spanContext : undefined;
}

/** A context whose parent span is the one a `traceparent` names; the root context without one. */
export function contextFromTraceparent(traceparent: string | undefined): Context {
  const parent = parseTraceparent(traceparent);
  return parent ? trace.setSpanContext(ROOT_CONTEXT, parent) : ROOT_CONTEXT;
}

/** The active span's context as a `traceparent`, else the handled message's (no span recorded). */
export function activeTraceparent(): string | undefined {
  const span = trace.getSpan(context.active());
  return span ? formatTraceparent(span.spanContext()) : currentCall()?.traceparent;
}
