import { Injectable, NestMiddleware } from '@nestjs/common';
import { Histogram, register } from 'prom-client';

interface TimedRequest {
  method: string;
  baseUrl?: string;
  route?: { path?: string };
}

interface FinishingResponse {
  statusCode: number;
  once(event: 'finish', listener: () => void): unknown;
}

const requestDuration =
  (register.getSingleMetric('cleave_http_request_duration_seconds') as Histogram | undefined) ??
  new Histogram({
    name: 'cleave_http_request_duration_seconds',
    help: 'HTTP requests served by this process, by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  });

/**
 * Times every HTTP request. The route label is the matched pattern (`/products/:id`), never
 * the raw URL, so the number of series stays bounded whatever clients send.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  use(req: TimedRequest, res: FinishingResponse, next: () => void): void {
    const started = performance.now();
    res.once('finish', () => {
      const route = req.route?.path ? `${req.baseUrl ?? ''}${req.route.path}` : 'unmatched';
      requestDuration.labels(req.method, route, String(res.statusCode)).observe((performance.now() - started) / 1000);
    });
    next();
  }
}
