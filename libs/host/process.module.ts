import { DynamicModule, Module } from '@nestjs/common';
import { GatewayModule } from '@cleave/gateway/gateway.module';
import { BusModule, BusOptions } from '@cleave/platform/bus';
import { PlatformSettings, SettingsModule } from '@cleave/platform/config';
import { HealthModule } from '@cleave/platform/health';
import { ProcessIdentityModule } from '@cleave/platform/process';
import { RedisModule } from '@cleave/platform/redis';
import { TracingModule } from '@cleave/platform/tracing';
import { DOMAIN_MODULES } from './domain-modules';

/** The root module of one process: the platform, the modules the topology assigns it, maybe the gateway. */
@Module({})
export class ProcessModule {
  static forProcess(settings: PlatformSettings, bus: BusOptions): DynamicModule {
    const spec = bus.topology.process(bus.processName);
    return {
      module: ProcessModule,
      imports: [
        SettingsModule.forRoot(settings),
        ProcessIdentityModule.forRoot({ topology: bus.topology, processName: bus.processName, instanceId: bus.instanceId }),
        ...(bus.topology.isSingleProcess ? [] : [RedisModule.forRoot({ url: settings.redisUrl, prefix: settings.redisPrefix, clientName: bus.instanceId })]),
        BusModule.forRoot(bus),
        TracingModule.forRoot(),
        HealthModule,
        ...spec.modules.map((name) => DOMAIN_MODULES[name]),
        ...(spec.gateway ? [GatewayModule] : []),
      ],
    };
  }
}
