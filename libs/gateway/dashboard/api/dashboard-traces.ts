import { Inject, Injectable, Optional } from '@nestjs/common';
import { NotFoundError } from '@cleave/contracts/kernel/errors';
import { BusAttributes, SPAN_STORE, SpanStore, StoredSpan, TraceSummary } from '@cleave/platform/tracing';
import type { TraceRow, WaterfallSpan } from '../dashboard.view';

/** How many of the newest traces a filtered list looks through. */
const SCANNED = 100;

export interface TraceFilter {
  /** Part of the root span's name, e.g. `/cart/checkout` or `POST`. */
  route?: string;
  /** `ok`, `error` (a failed span or a 5xx), a class such as `4xx`, or an exact status such as `201`. */
  status?: string;
  minDurationMs?: number;
  limit: number;
}

/** The traces the span store keeps, filtered for the trace list, and one of them as a waterfall. */
@Injectable()
export class DashboardTraces {
  constructor(@Optional() @Inject(SPAN_STORE) private readonly store: SpanStore | null) {}

  async list(filter: TraceFilter): Promise<TraceRow[]> {
    const recent = await this.spanStore().recent(SCANNED);
    return recent.filter((trace) => matches(trace, filter)).slice(0, filter.limit);
  }

  async waterfall(traceId: string): Promise<WaterfallSpan[]> {
    const spans = await this.spanStore().trace(traceId);
    if (!spans.length) throw new NotFoundError(`No spans of trace ${traceId} are kept (unknown, or evicted)`);
    return withModules(spans);
  }

  private spanStore(): SpanStore {
    if (!this.store) throw new NotFoundError('This system keeps no spans: they are exported over OTLP, or tracing is off (OTEL_SDK_DISABLED)');
    return this.store;
  }
}

function matches(trace: TraceSummary, filter: TraceFilter): boolean {
  if (filter.route && !trace.name.toLowerCase().includes(filter.route.toLowerCase())) return false;
  if (filter.minDurationMs !== undefined && trace.durationMs < filter.minDurationMs) return false;
  const status = filter.status;
  if (!status) return true;
  const failed = trace.errors > 0 || (trace.statusCode ?? 0) >= 500;
  if (status === 'error') return failed;
  if (status === 'ok') return !failed;
  if (/^[1-5]xx$/.test(status)) return trace.statusCode !== undefined && Math.floor(trace.statusCode / 100) === Number(status[0]);
  return trace.statusCode === Number(status);
}

/**
 * Which module did the work of each span, whichever process it ran in (in one process they
 * all ran in the same one): an HTTP request is the gateway's; a bus handler's span is its
 * module's; a query is its database's (each module's DataSource is named after it); anything
 * else, a bus call or publish, belongs to the module of the span it ran under.
 */
export function withModules(spans: readonly StoredSpan[]): WaterfallSpan[] {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const modules = new Map<string, string>();
  const moduleOf = (span: StoredSpan, depth = 0): string => {
    const known = modules.get(span.spanId);
    if (known) return known;
    const own = ownModule(span);
    const parent = span.parentSpanId ? byId.get(span.parentSpanId) : undefined;
    const module = own ?? (parent && depth < spans.length ? moduleOf(parent, depth + 1) : span.process);
    modules.set(span.spanId, module);
    return module;
  };
  return spans.map((span) => {
    const row: WaterfallSpan = {
      spanId: span.spanId,
      name: span.name,
      kind: span.kind,
      process: span.process,
      instance: span.instance,
      module: moduleOf(span),
      startTime: span.startTime,
      durationMs: span.durationMs,
      status: span.status,
      attributes: span.attributes,
    };
    if (span.parentSpanId) row.parentSpanId = span.parentSpanId;
    if (span.statusMessage) row.statusMessage = span.statusMessage;
    return row;
  });
}

function ownModule(span: StoredSpan): string | undefined {
  const a = span.attributes;
  if (span.kind === 'server' && a['http.request.method'] !== undefined) return 'gateway';
  if ((span.kind === 'server' || span.kind === 'consumer') && typeof a[BusAttributes.target] === 'string') return a[BusAttributes.target] as string;
  if (typeof a['db.namespace'] === 'string') return a['db.namespace'] as string;
  return undefined;
}
