import { Registry } from 'prom-client';
import { HotPathCounter, HotPathHistogram } from './hot-path-metrics';

describe('hot-path metrics in a prom-client registry', () => {
  it('renders Prometheus text, and children stay live across a reset', async () => {
    const registry = new Registry();
    const counter = new HotPathCounter('test_handled_total', 'handled', ['pattern']);
    const histogram = new HotPathHistogram('test_duration_seconds', 'duration', ['pattern'], [0.01, 0.1]);
    registry.registerMetric(counter as never);
    registry.registerMetric(histogram as never);
    const handled = counter.labels('a.b');
    const duration = histogram.labels('a.b');
    handled.inc();
    handled.inc(2);
    duration.observe(0.005);
    duration.observe(0.05);
    duration.observe(5);

    const text = await registry.metrics();
    expect(text).toContain('# TYPE test_handled_total counter\ntest_handled_total{pattern="a.b"} 3');
    expect(text).toContain('test_duration_seconds_bucket{pattern="a.b",le="0.01"} 1');
    expect(text).toContain('test_duration_seconds_bucket{pattern="a.b",le="0.1"} 2');
    expect(text).toContain('test_duration_seconds_bucket{pattern="a.b",le="+Inf"} 3');
    expect(text).toContain('test_duration_seconds_count{pattern="a.b"} 3');

    registry.resetMetrics();
    handled.inc();
    duration.observe(0.005);
    const after = await registry.metrics();
    expect(after).toContain('test_handled_total{pattern="a.b"} 1');
    expect(after).toContain('test_duration_seconds_count{pattern="a.b"} 1');
  });
});
