import { useEffect, useState } from 'preact/hooks';
import type { DashboardView, Point } from '../dashboard.view';

export interface LiveState {
  view?: DashboardView;
  /** Each series' points within the window, oldest first. */
  series: Map<string, Point[]>;
  connection: 'connecting' | 'live' | 'reconnecting' | 'closed';
}

/**
 * The dashboard's event stream, merged into one state: `snapshot` replaces everything,
 * each `update` appends the newest point of every series and drops what left the window.
 * `onClosed` is told when the stream ends for good (the session expired, say).
 */
export function useLive(onClosed: () => void): LiveState {
  const [state, setState] = useState<LiveState>({ series: new Map(), connection: 'connecting' });
  useEffect(() => {
    const source = new EventSource('/dashboard/stream');
    let series = new Map<string, Point[]>();
    source.addEventListener('snapshot', (event) => {
      const view = JSON.parse((event as MessageEvent<string>).data) as DashboardView;
      series = new Map(view.series.map((s) => [s.id, s.points]));
      setState({ view, series, connection: 'live' });
    });
    source.addEventListener('update', (event) => {
      const view = JSON.parse((event as MessageEvent<string>).data) as DashboardView;
      const next = new Map<string, Point[]>();
      const since = view.at - view.windowMs;
      for (const { id, points } of view.series) next.set(id, [...(series.get(id) ?? []).filter((p) => p[0] > since), ...points]);
      series = next;
      setState({ view, series, connection: 'live' });
    });
    source.addEventListener('error', () => {
      if (source.readyState === EventSource.CLOSED) {
        setState((s) => ({ ...s, connection: 'closed' }));
        onClosed();
      } else setState((s) => ({ ...s, connection: 'reconnecting' }));
    });
    return () => source.close();
  }, []);
  return state;
}
