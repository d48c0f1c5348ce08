import { Controller, Get, Inject, UseGuards } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse } from '@nestjs/swagger';
import { ServiceUnavailableError } from '@cleave/contracts/kernel/errors';
import { ConfigViews, InstanceConfigView } from '@cleave/platform/config-sync';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { JwtAuthGuard } from '../auth/jwt-auth.guard';
import { Roles } from '../auth/roles.decorator';
import { RolesGuard } from '../auth/roles.guard';
import { SettingViewDto, SystemConfigDto } from './config.dto';
import type { SystemConfigView } from './config.view';

const READ_TIMEOUT_MS = 2000;

/**
 * What every process runs with: each instance's effective settings, where each came from,
 * what waits for a restart, and its last reload. Secrets are masked by the instance before
 * it publishes. Administrators only: it shows the system's insides.
 */
@Controller('config')
@UseGuards(JwtAuthGuard, RolesGuard)
@Roles('admin')
// SettingViewDto is reached only through a map (additionalProperties), which the explorer does not follow.
@ApiExtraModels(SettingViewDto)
export class ConfigController {
  constructor(
    private readonly views: ConfigViews,
    @Inject(PROCESS_IDENTITY) private readonly identity: ProcessIdentity,
  ) {}

  @Get()
  @ApiOkResponse({ type: SystemConfigDto, description: "Every process's instances and the settings each runs with" })
  async config(): Promise<SystemConfigView> {
    const views = await this.read();
    const order = this.identity.topology.processNames;
    const processes = order.map((process) => ({
      process,
      instances: views.filter((v) => v.process === process).sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    }));
    return { topology: this.identity.topology.name, processes };
  }

  private async read(): Promise<InstanceConfigView[]> {
    let timer: NodeJS.Timeout | undefined;
    const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('timeout')), READ_TIMEOUT_MS)));
    try {
      return await Promise.race([this.views.all(), limit]);
    } catch (error) {
      throw new ServiceUnavailableError(`The configuration of the processes cannot be read: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
    }
  }
}
