import type { Point } from '../dashboard.view';
import { Sparkline } from './chart';
import { ms, percent, rate } from './format';

const GROUPS = [
  { kind: 'http', title: 'HTTP routes' },
  { kind: 'call', title: 'Bus calls' },
  { kind: 'event', title: 'Events delivered' },
] as const;

/** Per route and bus pattern: the latest rate, error ratio, p50 and p99, and a chart of the window. */
export function Traffic({ series, windowMs, at }: { series: Map<string, Point[]>; windowMs: number; at: number }) {
  const rows = [...series].map(([id, points]) => {
    const kind = id.slice(0, id.indexOf(':'));
    const name = id.slice(id.indexOf(':') + 1).replace('>', ' → ');
    const total = points.reduce((n, p) => n + p[1], 0);
    return { id, kind, name, points, total, last: points[points.length - 1] };
  });
  return (
    <div class="traffic">
      <p class="legend small">
        <span class="key rate" /> requests/s <span class="key errors" /> errors/s <span class="key p99" /> p99 latency · values: the latest sample
      </p>
      {GROUPS.map(({ kind, title }) => {
        const group = rows.filter((r) => r.kind === kind).sort((a, b) => b.total - a.total || a.name.localeCompare(b.name));
        return (
          <section class="traffic-group" data-kind={kind}>
            <h3>{title}</h3>
            {!group.length && <p class="muted small">Nothing in the last {Math.round(windowMs / 60_000)} minutes.</p>}
            {group.length > 0 && (
              <div class="scroll">
                <table class="series">
                  <thead>
                    <tr>
                      <th>{kind === 'http' ? 'route' : kind === 'call' ? 'pattern' : 'event → subscriber'}</th>
                      <th>rate</th>
                      <th>errors</th>
                      <th>p50</th>
                      <th>p99</th>
                      <th class="chart-col">last {Math.round(windowMs / 60_000)} min</th>
                    </tr>
                  </thead>
                  <tbody>
                    {group.map((row) => (
                      <tr data-series={row.id} data-requests={Math.round(row.points.reduce((n, p, i) => n + p[1] * ((p[0] - (row.points[i - 1]?.[0] ?? p[0] - 1000)) / 1000), 0))}>
                        <td class="mono name">{row.name}</td>
                        <td class="num">{rate(row.last?.[1])}</td>
                        <td class={`num ${row.last?.[2] ? 'bad' : ''}`}>{percent(row.last?.[2])}</td>
                        <td class="num">{ms(row.last?.[3])}</td>
                        <td class="num">{ms(row.last?.[4])}</td>
                        <td class="chart-col">
                          <Sparkline points={row.points} windowMs={windowMs} at={at} />
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
          </section>
        );
      })}
    </div>
  );
}
