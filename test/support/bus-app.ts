import { randomBytes } from 'node:crypto';
import { INestApplication, LoggerService } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { BusModule, BusOptions, InProcessServer, RedisServer } from '@cleave/platform/bus';
import { ProcessIdentityModule, ProcessLifecycle, Topology } from '@cleave/platform/process';
import { RedisModule, RedisTarget } from '@cleave/platform/redis';
import { DEFAULT_RESILIENCE } from '@cleave/platform/resilience';

/** A test process's bus options, with where its Redis is. */
export interface TestBusOptions extends BusOptions {
  redisUrl: string;
  redisPrefix: string;
  /** Another Redis than the one at redisUrl: a cluster or Sentinel. */
  redisTarget?: RedisTarget;
  replicasToAck?: number;
}

/** Bus options for a test process: short timings, so claims and failures show quickly. */
export function testBusOptions(topology: Topology, processName: string, redisUrl: string, prefix: string, overrides: Partial<BusOptions> = {}): TestBusOptions {
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

/** The process identity, Redis (split) and the bus, as the host composes them. */
export function busModules(bus: TestBusOptions): unknown[] {
  const { redisUrl, redisPrefix, redisTarget, replicasToAck, ...options } = bus;
  const target = redisTarget ?? { mode: 'single', url: redisUrl };
  return [
    ProcessIdentityModule.forRoot({ topology: options.topology, processName: options.processName, instanceId: options.instanceId }),
    ...(options.topology.isSingleProcess ? [] : [RedisModule.forRoot({ target, prefix: redisPrefix, clientName: options.instanceId, replicasToAck })]),
    BusModule.forRoot(options),
  ];
}

/**
 * A Nest app with the bus and `imports`, its transports connected as bootstrap does it
 * (in-process always, then init, then Redis when the topology has several processes),
 * started without HTTP.
 */
export async function startBusApp(bus: TestBusOptions, imports: unknown[], logger: LoggerService | false = false): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({ imports: [...busModules(bus), ...imports] as never[] }).compile();
  const app = moduleRef.createNestApplication({ logger });
  await app.connectMicroservice({ strategy: app.get(InProcessServer) }).listen();
  await app.init();
  if (!bus.topology.isSingleProcess) await app.connectMicroservice({ strategy: app.get(RedisServer) }).listen();
  app.get(ProcessLifecycle).serving();
  return app;
}
