import { Controller, Get, Header } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';

/**
 * prom-client's default metrics include three gauges named like counters
 * (`nodejs_active_handles_total`, `nodejs_active_requests_total`,
 * `nodejs_active_resources_total`), which `promtool check metrics` rejects. Each is the sum of
 * the per-type gauge beside it (`sum(nodejs_active_handles)`), so they are left out.
 */
const REDUNDANT_DEFAULTS = ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total'];

let defaultsCollected = false;

/** Prometheus scrape endpoint of this process. */
@Controller('metrics')
export class MetricsController {
  constructor() {
    if (!defaultsCollected) {
      collectDefaultMetrics();
      for (const name of REDUNDANT_DEFAULTS) register.removeSingleMetric(name);
    }
    defaultsCollected = true;
  }

  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
