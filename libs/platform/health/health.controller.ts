import { Controller, Get } from '@nestjs/common';

/** Liveness: the process answers. Readiness and dependency checks build on this. */
@Controller('health')
export class HealthController {
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
