import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { HealthCheck, HealthCheckResult } from '@nestjs/terminus';
import { Readiness } from './readiness.service';

const UP = { type: 'object' as const, properties: { process: { type: 'object' as const, properties: { status: { type: 'string' as const, enum: ['up'] } } } } };
const LIVE = {
  type: 'object' as const,
  required: ['status', 'info', 'error', 'details'],
  properties: { status: { type: 'string' as const, enum: ['ok'] }, info: UP, error: { type: 'object' as const }, details: UP },
};

/** Every process: liveness (it answers) and readiness (it can do its work), Terminus's format. */
@Controller('health')
export class HealthController {
  constructor(private readonly readiness: Readiness) {}

  @Get('live')
  // Always the same answer (it answers, so it lives), in the format @HealthCheck documents for ready.
  @ApiOkResponse({ description: 'The process answers', schema: LIVE })
  live(): HealthCheckResult {
    return { status: 'ok', info: { process: { status: 'up' } }, error: {}, details: { process: { status: 'up' } } };
  }

  @Get('ready')
  @HealthCheck()
  ready(): Promise<HealthCheckResult> {
    return this.readiness.check();
  }
}
