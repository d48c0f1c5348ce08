import { useEffect, useState } from 'preact/hooks';
import type { TraceRow, WaterfallSpan } from '../dashboard.view';
import { listTraces, TraceQuery, traceSpans } from './api';
import { clock, colorOf, ms } from './format';
import { waterfallRows } from './waterfall-layout';

/** How often the list refreshes itself while the page is live. */
const REFRESH_MS = 5000;

/** The recent traces, filtered by route, status and duration; a click opens one as a waterfall. */
export function Traces() {
  const [query, setQuery] = useState<TraceQuery>({ route: '', status: '', minDurationMs: '' });
  const [traces, setTraces] = useState<TraceRow[]>([]);
  const [error, setError] = useState<string>();
  const [open, setOpen] = useState<string>();
  useEffect(() => {
    let stopped = false;
    const load = () =>
      listTraces(query).then(
        (rows) => !stopped && (setTraces(rows), setError(undefined)),
        (e: Error) => !stopped && setError(e.message),
      );
    void load();
    const timer = setInterval(load, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [query.route, query.status, query.minDurationMs]);
  const set = (key: keyof TraceQuery) => (event: Event) => setQuery({ ...query, [key]: (event.target as HTMLInputElement).value });
  return (
    <div class="traces">
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <label>
          route <input name="route" type="search" placeholder="/cart/checkout" value={query.route} onInput={set('route')} />
        </label>
        <label>
          status
          <select name="status" value={query.status} onChange={set('status')}>
            <option value="">any</option>
            <option value="ok">ok</option>
            <option value="error">error</option>
            <option value="2xx">2xx</option>
            <option value="4xx">4xx</option>
            <option value="5xx">5xx</option>
          </select>
        </label>
        <label>
          slower than <input name="minDurationMs" type="number" min="0" step="1" placeholder="ms" value={query.minDurationMs} onInput={set('minDurationMs')} />
        </label>
      </form>
      {error && <p class="error">{error}</p>}
      <div class="scroll">
        <table class="trace-list">
          <thead>
            <tr>
              <th>time</th>
              <th>trace</th>
              <th>status</th>
              <th>duration</th>
              <th>spans</th>
              <th>processes</th>
            </tr>
          </thead>
          <tbody>
            {traces.map((t) => (
              <tr class={`trace ${t.errors || (t.statusCode ?? 0) >= 500 ? 'failed' : ''} ${open === t.traceId ? 'open' : ''}`} data-trace={t.traceId} onClick={() => setOpen(open === t.traceId ? undefined : t.traceId)}>
                <td class="num">{clock(t.startTime)}</td>
                <td class="mono name">{t.name}</td>
                <td class="num">{t.statusCode ?? (t.errors ? 'error' : 'ok')}</td>
                <td class="num">{ms(t.durationMs)}</td>
                <td class="num">{t.spanCount}</td>
                <td>{t.processes.join(', ')}</td>
              </tr>
            ))}
            {!traces.length && (
              <tr>
                <td colSpan={6} class="muted small">
                  No trace matches.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {open && <Waterfall traceId={open} />}
    </div>
  );
}

function Waterfall({ traceId }: { traceId: string }) {
  const [spans, setSpans] = useState<WaterfallSpan[]>();
  const [error, setError] = useState<string>();
  const [selected, setSelected] = useState<string>();
  useEffect(() => {
    setSpans(undefined);
    traceSpans(traceId).then(setSpans, (e: Error) => setError(e.message));
  }, [traceId]);
  if (error) return <p class="error">{error}</p>;
  if (!spans) return <p class="muted">Loading trace {traceId}…</p>;
  const { rows, durationMs } = waterfallRows(spans);
  const modules = [...new Set(spans.map((s) => s.module))];
  return (
    <section class="waterfall" data-waterfall={traceId}>
      <header>
        <h3 class="mono">{traceId}</h3>
        <span>
          {ms(durationMs)} · {spans.length} spans ·{' '}
          {modules.map((m) => (
            <span class="badge" style={{ background: colorOf(m) }}>
              {m}
            </span>
          ))}
        </span>
      </header>
      <div class="spans">
        {rows.map(({ span, depth, left, width }) => (
          <div class={`span-row ${span.status === 'error' ? 'failed' : ''} ${selected === span.spanId ? 'selected' : ''}`} data-span={span.spanId} data-module={span.module} data-process={span.process}>
            <button type="button" class="span-head" onClick={() => setSelected(selected === span.spanId ? undefined : span.spanId)}>
              <span class="span-name" style={{ paddingLeft: `${depth * 12}px` }}>
                <span class="badge" style={{ background: colorOf(span.module) }}>
                  {span.module}
                </span>{' '}
                {span.name}
              </span>
              <span class="span-track">
                <span class="span-bar" style={{ left: `${left * 100}%`, width: `${width * 100}%`, background: colorOf(span.module) }} />
              </span>
              <span class="span-duration num">{ms(span.durationMs)}</span>
            </button>
            {selected === span.spanId && (
              <table class="attributes compact">
                <tbody>
                  {[
                    ['kind', span.kind],
                    ['process', span.process],
                    ['instance', span.instance],
                    ['status', span.statusMessage ? `${span.status}: ${span.statusMessage}` : span.status],
                    ...Object.entries(span.attributes).map(([k, v]) => [k, String(v)]),
                  ].map(([k, v]) => (
                    <tr>
                      <th>{k}</th>
                      <td class="mono">{v}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        ))}
      </div>
    </section>
  );
}
