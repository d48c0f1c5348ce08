import { Controller, Get, Header, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiQuery } from '@nestjs/swagger';
import { BadRequestError } from '@cleave/contracts/kernel/errors';
import { collectDefaultMetrics, MetricObjectWithValues, MetricValue, register } from 'prom-client';

/**
 * prom-client's default metrics include three gauges named like counters
 * (`nodejs_active_handles_total`, `nodejs_active_requests_total`,
 * `nodejs_active_resources_total`), which `promtool check metrics` rejects. Each is the sum of
 * the per-type gauge beside it (`sum(nodejs_active_handles)`), so they are left out.
 */
const REDUNDANT_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

let defaultsCollected = false;

/** One metric as `GET /metrics?format=json` gives it: prom-client's own JSON form. */
export type MetricSnapshot = MetricObjectWithValues<MetricValue<string>>;

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

/** prom-client's JSON form of one metric, as the document shows it. */
const METRIC_SCHEMA = {
  type: 'object' as const,
  required: ['name', 'help', 'type', 'values'],
  properties: {
    name: { type: 'string' as const },
    help: { type: 'string' as const },
    type: { type: 'string' as const, enum: ['counter', 'gauge', 'histogram', 'summary'] },
    aggregator: { type: 'string' as const },
    values: {
      type: 'array' as const,
      items: {
        type: 'object' as const,
        properties: { value: { type: 'number' as const }, labels: { type: 'object' as const, additionalProperties: true }, metricName: { type: 'string' as const } },
      },
    },
  },
};

interface TextResponse {
  status(code: number): { json(body: unknown): unknown };
  type(type: string): { send(body: string): unknown };
}

/**
 * How often the event loop's delay is sampled (prom-client's default is 10 ms). Each sample is
 * a wakeup of an otherwise idle process: measured on this 2-core VM, 0.55 ms of CPU a second at
 * 100 ms, 0.09 at 1 s, in each of a split system's seven processes. At 500 ms a stall of half a
 * second or more is always seen, shorter ones in proportion to their length.
 */
const EVENT_LOOP_SAMPLE_MS = 500;

/**
 * Prometheus scrape endpoint of this process. `?format=json` answers prom-client's JSON
 * instead, and `&names=a,b` reads only those metrics: what the gateway's dashboard samples,
 * so its reads run only the collectors it shows.
 */
@Controller('metrics')
export class MetricsController {
  constructor() {
    if (!defaultsCollected) {
      // prom-client samples the event loop's delay every 10 ms by default: a hundred wakeups a
      // second, most of an idle process's CPU (measured: 98 of its ~100 wakeups/s).
      collectDefaultMetrics({ eventLoopMonitoringPrecision: EVENT_LOOP_SAMPLE_MS });
      for (const name of REDUNDANT_DEFAULTS) register.removeSingleMetric(name);
    }
    defaultsCollected = true;
  }

  @Get()
  @Header('Cache-Control', 'no-store')
  // Written to the response by hand (@Res), so the explorer cannot see the answer: described here.
  @ApiOkResponse({
    description: 'Prometheus text exposition format, or prom-client\'s JSON with `?format=json`',
    content: {
      'text/plain': { schema: { type: 'string', example: '# TYPE http_requests_total counter' } },
      'application/json': { schema: { type: 'array', items: METRIC_SCHEMA } },
    },
  })
  @ApiQuery({ name: 'format', required: false, enum: ['text', 'json'] })
  @ApiQuery({ name: 'names', required: false, description: 'with format=json: only these metrics, comma-separated' })
  async metrics(@Res() res: TextResponse, @Query('format') format?: string, @Query('names') names?: string): Promise<void> {
    if (format === undefined || format === 'text') {
      res.type(register.contentType).send(await register.metrics());
      return;
    }
    if (format !== 'json') {
      throw new BadRequestError('format must be text or json');
    }
    const wanted = typeof names === 'string' && names ? names.split(',') : undefined;
    if (wanted && !wanted.every((name) => METRIC_NAME.test(name))) {
      throw new BadRequestError('names must be a comma-separated list of metric names');
    }
    res.status(200).json(await readMetrics(wanted));
  }
}

/**
 * The process's metrics as JSON, all or the named ones (absent names are skipped). Read
 * concurrently: gauges that share one query per read (the outbox's) then share it.
 */
export async function readMetrics(names?: readonly string[]): Promise<MetricSnapshot[]> {
  if (!names) return (await register.getMetricsAsJSON()) as MetricSnapshot[];
  const metrics = names.map((name) => register.getSingleMetric(name)).filter((m) => m !== undefined);
  return (await Promise.all(metrics.map((metric) => metric.get()))) as MetricSnapshot[];
}
