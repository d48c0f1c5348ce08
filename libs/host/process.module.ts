import { DynamicModule, Module } from '@nestjs/common';
import { GatewayModule } from '@cleave/gateway/gateway.module';
import { BusModule, BusOptions } from '@cleave/platform/bus';
import { ConfigSyncModule } from '@cleave/platform/config-sync';
import { HealthModule } from '@cleave/platform/health';
import { OutboxDeadLettersModule } from '@cleave/platform/outbox';
import { ProcessIdentityModule } from '@cleave/platform/process';
import { connectionOptionsFrom, RedisModule, RedisSettings } from '@cleave/platform/redis';
import { LiveConfig } from '@cleave/platform/config';
import { TracingModule } from '@cleave/platform/tracing';
import { DOMAIN_MODULES } from './domain-modules';

/** The root module of one process: its configuration, the platform, the modules the topology assigns it, maybe the gateway. */
@Module({})
export class ProcessModule {
  static forProcess(config: { live: LiveConfig; module: DynamicModule }, bus: BusOptions): DynamicModule {
    const spec = bus.topology.process(bus.processName);
    const redis = config.live.get(RedisSettings);
    return {
      module: ProcessModule,
      imports: [
        config.module,
        ProcessIdentityModule.forRoot({ topology: bus.topology, processName: bus.processName, instanceId: bus.instanceId }),
        ...(bus.topology.isSingleProcess ? [] : [RedisModule.forRoot(connectionOptionsFrom(redis, bus.instanceId))]),
        BusModule.forRoot(bus),
        // Dead letters: streams in Redis when split (BusModule), parked outbox rows in one process.
        ...(bus.topology.isSingleProcess ? [OutboxDeadLettersModule] : []),
        TracingModule.forRoot(),
        HealthModule,
        ConfigSyncModule,
        ...spec.modules.map((name) => DOMAIN_MODULES[name].module),
        ...(spec.gateway ? [GatewayModule] : []),
      ],
    };
  }
}
