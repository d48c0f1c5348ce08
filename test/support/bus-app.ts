import { randomBytes } from 'node:crypto';
import { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { BusModule } from '@cleave/platform/bus/bus.module';
import { BusOptions } from '@cleave/platform/bus/bus.options';
import { Topology } from '@cleave/platform/bus/topology';
import { InProcessServer } from '@cleave/platform/bus/transports/in-process/in-process.server';
import { RedisServer } from '@cleave/platform/bus/transports/redis/redis.server';
import { DEFAULT_RESILIENCE } from '@cleave/platform/resilience/resilience.config';

/** Bus options for a test process: short timings, so claims and failures show quickly. */
export function testBusOptions(topology: Topology, processName: string, redisUrl: string, prefix: string, overrides: Partial<BusOptions> = {}): BusOptions {
  return {
    topology,
    processName,
    instanceId: `${processName}-${randomBytes(3).toString('hex')}`,
    redisUrl,
    redisPrefix: prefix,
    requestTimeoutMs: 1000,
    maxInFlight: 64,
    batchSize: 16,
    eventClaimIdleMs: 100,
    eventClaimIntervalMs: 20,
    eventMaxDeliveries: 3,
    resilience: DEFAULT_RESILIENCE,
    ...overrides,
  };
}

/**
 * A Nest app with the bus and `imports`, its transports connected as bootstrap does it
 * (in-process always, Redis when the topology has several processes), started without HTTP.
 */
export async function startBusApp(bus: BusOptions, imports: unknown[], logger: LoggerService | false = false): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [BusModule.forRoot(bus), ...(imports as never[])] }).compile();
  const app = moduleRef.createNestApplication({ logger });
  app.connectMicroservice({ strategy: app.get(InProcessServer) });
  if (!bus.topology.isSingleProcess) app.connectMicroservice({ strategy: app.get(RedisServer) });
  await app.startAllMicroservices();
  await app.init();
  return app;
}
