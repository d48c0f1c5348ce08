import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckResult } from '@nestjs/terminus';
import { Readiness } from './readiness.service';

/** Every process: liveness (it answers) and readiness (it can do its work), Terminus's format. */
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('live')
  live(): HealthCheckResult {
    return { status: 'ok', info: { process: { status: 'up' } }, error: {}, details: { process: { status: 'up' } } };
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.readiness.check();
  }
}
