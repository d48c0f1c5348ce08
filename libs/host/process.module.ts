import { DynamicModule, Module } from '@nestjs/common';
import { GatewayModule } from '@cleave/gateway/gateway.module';
import { BusModule } from '@cleave/platform/bus/bus.module';
import { BusOptions } from '@cleave/platform/bus/bus.options';
import { SettingsModule } from '@cleave/platform/config/settings.module';
import { PlatformSettings } from '@cleave/platform/config/platform.settings';
import { HealthModule } from '@cleave/platform/health/health.module';
import { TracingModule } from '@cleave/platform/tracing/tracing.module';
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
        BusModule.forRoot(bus),
        TracingModule.forRoot(),
        HealthModule,
        ...spec.modules.map((name) => DOMAIN_MODULES[name]),
        ...(spec.gateway ? [GatewayModule] : []),
      ],
    };
  }
}
