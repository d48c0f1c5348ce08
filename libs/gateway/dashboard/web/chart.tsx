import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import type { Point } from '../dashboard.view';

const HEIGHT = 46;

/**
 * A small chart of one route or pattern over the window: requests per second (area), of
 * which errors (red), on the left scale; p99 latency (line) on its own scale.
 */
export function Sparkline({ points, windowMs, at }: { points: Point[]; windowMs: number; at: number }) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | undefined>(undefined);
  const data = (): uPlot.AlignedData => [
    points.map((p) => p[0] / 1000),
    points.map((p) => p[1]),
    points.map((p) => (p[2] === null ? 0 : p[1] * p[2])),
    points.map((p) => p[4]),
  ];
  useEffect(() => {
    const element = box.current!;
    const css = getComputedStyle(element);
    const accent = css.getPropertyValue('--accent').trim() || '#6366f1';
    const latency = css.getPropertyValue('--latency').trim() || '#f59e0b';
    const options: uPlot.Options = {
      width: Math.max(120, element.clientWidth),
      height: HEIGHT,
      legend: { show: false },
      cursor: { show: false },
      select: { show: false, left: 0, top: 0, width: 0, height: 0 },
      axes: [{ show: false }, { show: false, scale: 'rate' }, { show: false, scale: 'ms' }],
      scales: { x: { time: true, range: () => [(at - windowMs) / 1000, at / 1000] }, rate: { range: (_u, _min, max) => [0, Math.max(max, 0.1) * 1.1] }, ms: { range: (_u, _min, max) => [0, Math.max(max ?? 0, 1) * 1.1] } },
      series: [
        {},
        { label: 'requests/s', scale: 'rate', stroke: accent, fill: `${accent}33`, width: 1.5, points: { show: false } },
        { label: 'errors/s', scale: 'rate', stroke: '#dc2626', fill: '#dc262655', width: 1, points: { show: false } },
        { label: 'p99 ms', scale: 'ms', stroke: latency, width: 1, dash: [3, 2], points: { show: false }, spanGaps: true },
      ],
    };
    plot.current = new uPlot(options, data(), element);
    const resize = new ResizeObserver(() => plot.current?.setSize({ width: Math.max(120, element.clientWidth), height: HEIGHT }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.current?.destroy();
    };
  }, []);
  useEffect(() => {
    plot.current?.setData(data(), false);
    plot.current?.setScale('x', { min: (at - windowMs) / 1000, max: at / 1000 });
  }, [points, at]);
  return <div class="sparkline" ref={box} />;
}
