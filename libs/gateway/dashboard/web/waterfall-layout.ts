import type { WaterfallSpan } from '../dashboard.view';

export interface WaterfallRow {
  span: WaterfallSpan;
  depth: number;
  /** Offset and width as shares of the whole trace (0 to 1). */
  left: number;
  width: number;
}

/** Each span's depth under its parents and its bar's place on the trace's time line. */
export function waterfallRows(spans: readonly WaterfallSpan[]): { rows: WaterfallRow[]; durationMs: number; start: number } {
  if (!spans.length) return { rows: [], durationMs: 0, start: 0 };
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const start = Math.min(...spans.map((s) => s.startTime));
  const end = Math.max(...spans.map((s) => s.startTime + s.durationMs));
  const total = Math.max(end - start, 0.001);
  const depthOf = (span: WaterfallSpan): number => {
    let depth = 0;
    for (let p = span.parentSpanId && byId.get(span.parentSpanId); p && depth < spans.length; p = p.parentSpanId && byId.get(p.parentSpanId)) depth++;
    return depth;
  };
  // Children right under their parent, siblings in start order.
  const children = new Map<string | undefined, WaterfallSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && byId.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const ordered: WaterfallSpan[] = [];
  const visit = (parent: string | undefined, seen: Set<string>) => {
    for (const span of (children.get(parent) ?? []).sort((a, b) => a.startTime - b.startTime)) {
      if (seen.has(span.spanId)) continue;
      seen.add(span.spanId);
      ordered.push(span);
      visit(span.spanId, seen);
    }
  };
  visit(undefined, new Set());
  const rows = ordered.map((span) => ({
    span,
    depth: depthOf(span),
    left: (span.startTime - start) / total,
    width: Math.max(span.durationMs / total, 0.004),
  }));
  return { rows, durationMs: end - start, start };
}
