// Prometheus metrics: the /metrics endpoint, HTTP metrics, and cheap hot-path counters.
export { CounterChild, HistogramChild, HotPathCounter, HotPathHistogram, hotPathMetric } from './hot-path-metrics';
export { HttpMetricsMiddleware } from './http-metrics.middleware';
export { MetricsController, MetricSnapshot, readMetrics } from './metrics.controller';
export { readForScrape, SCRAPE_SOURCE_TIMEOUT_MS } from './scrape-timeout';
