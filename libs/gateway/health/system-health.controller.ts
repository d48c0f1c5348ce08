import { Controller, Get, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { RolesGuard } from '../auth/roles.guard';
import { ServiceView, SystemHealth, SystemHealthService } from './system-health.service';

/** The operator's view of the whole system, from the gateway. */
@Controller()
export class SystemHealthController {
  constructor(private readonly system: SystemHealthService) {}

  /** Administrators only: it shows hosts, process ids, versions and internal URLs. */
  @Get('services')
  @UseGuards(JwtAuthGuard, RolesGuard)
  @Roles('admin')
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
