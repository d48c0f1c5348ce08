import { Controller, Get, ServiceUnavailableException, UseGuards } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { RolesGuard } from '../auth/roles.guard';
import { ServiceHealthDto, ServiceListDto, SystemHealthDto } from './system-health.dto';
import { ServiceView, SystemHealth, SystemHealthService } from './system-health.service';

/** The operator's view of the whole system, from the gateway. */
// ServiceHealthDto is reached only through a map (additionalProperties), which the explorer does not follow.
@ApiExtraModels(ServiceHealthDto)
@Controller()
export class SystemHealthController {
  constructor(private readonly system: SystemHealthService) {}

  /** Administrators only: it shows hosts, process ids, versions and internal URLs. */
  @Get('services')
  @UseGuards(JwtAuthGuard, RolesGuard)
  @Roles('admin')
  @ApiOkResponse({ type: ServiceListDto, description: 'Every process of the topology with its registered instances' })
  async services(): Promise<{ services: ServiceView[] }> {
    return { services: await this.system.services() };
  }

  /** 200 when healthy or degraded; 503, with the same body, when a critical service is down. */
  @Get('health')
  @ApiOkResponse({ type: SystemHealthDto, description: 'Healthy, or degraded (a non-critical service is down)' })
  @ApiServiceUnavailableResponse({ type: SystemHealthDto, description: 'Down: a critical service is; the same body' })
  async health(): Promise<SystemHealth> {
    const health = await this.system.health();
    if (health.status === 'down') throw new ServiceUnavailableException(health);
    return health;
  }
}
