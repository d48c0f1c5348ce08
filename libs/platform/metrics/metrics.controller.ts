import { Controller, Get, Header } from '@nestjs/common';
import { collectDefaultMetrics, register } from 'prom-client';

let defaultsCollected = false;

/** Prometheus scrape endpoint of this process. */
@Controller('metrics')
export class MetricsController {
  constructor() {
    if (!defaultsCollected) collectDefaultMetrics();
    defaultsCollected = true;
  }

  @Get()
  @Header('Content-Type', register.contentType)
  metrics(): Promise<string> {
    return register.metrics();
  }
}
