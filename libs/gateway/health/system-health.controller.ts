import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ServiceView, SystemHealth, SystemHealthService } from './system-health.service';

/** The operator's view of the whole system, from the gateway. */
@Controller()
export class SystemHealthController {
  constructor(private readonly system: SystemHealthService) {}

  @Get('services')
  async services(): Promise<{ services: ServiceView[] }> {
    return { services: await this.system.services() };
  }

  /** 200 when healthy or degraded; 503, with the same body, when a critical service is down. */
  @Get('health')
  async health(): Promise<SystemHealth> {
    const health = await this.system.health();
    if (health.status === 'down') throw new ServiceUnavailableException(health);
    return health;
  }
}
