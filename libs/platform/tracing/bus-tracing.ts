import { Attributes, Context, Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { cleaveTracer } from './trace-context';

/** Span attribute names of bus spans. */
export const BusAttributes = {
  pattern: 'cleave.bus.pattern',
  /** The module that handles the message: the callee, or the subscriber of an event. */
  target: 'cleave.bus.target',
  transport: 'cleave.bus.transport',
  outcome: 'cleave.bus.outcome',
  messageId: 'cleave.bus.message_id',
  errorCode: 'cleave.error.code',
} as const;

export type BusSpanOutcome = 'ok' | 'error' | 'timeout';

/**
 * The fixed attributes of one kind of bus span, built once per pattern (not per call): the
 * SDK copies them into each span, so sharing the object costs no allocation per call.
 */
export function busSpanAttributes(pattern: string, target: string | undefined, transport: 'local' | 'redis'): Attributes {
  const attributes: Attributes = {
    'rpc.system': 'cleave-bus',
    [BusAttributes.pattern]: pattern,
    [BusAttributes.transport]: transport,
  };
  if (target !== undefined) attributes[BusAttributes.target] = target;
  return Object.freeze(attributes);
}

/** Starts a bus span under `parent` (default: the active context). */
export function startBusSpan(name: string, kind: SpanKind, attributes: Attributes, parent?: Context): Span {
  return cleaveTracer().startSpan(name, { kind, attributes }, parent);
}

export function endBusSpan(span: Span): void {
  if (!span.isRecording()) return;
  span.setAttribute(BusAttributes.outcome, 'ok');
  span.end();
}

/**
 * Ends a bus span that failed. Typed errors keep their code; only server-side failures
 * (status 5xx, or anything untyped) mark the span as an error: a 404 is an answer.
 */
export function failBusSpan(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const { code, status, message } = describe(error);
  const outcome: BusSpanOutcome = code === 'UNAVAILABLE' && message.includes('did not answer') ? 'timeout' : 'error';
  span.setAttribute(BusAttributes.outcome, outcome);
  if (code) span.setAttribute(BusAttributes.errorCode, code);
  if (!(status !== undefined && status < 500)) span.setStatus({ code: SpanStatusCode.ERROR, message });
  span.end();
}

/** Typed errors arrive as CleaveError instances (callers) or as their wire data (handlers). */
function describe(error: unknown): { code?: string; status?: number; message: string } {
  if (typeof error === 'object' && error !== null) {
    const e = error as { code?: unknown; status?: unknown; message?: unknown };
    return {
      code: typeof e.code === 'string' ? e.code : undefined,
      status: typeof e.status === 'number' ? e.status : undefined,
      message: typeof e.message === 'string' ? e.message : String(error),
    };
  }
  return { message: String(error) };
}
