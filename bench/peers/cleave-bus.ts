/**
 * Cleave's bus, stood up as bus.spec.ts does it, with the bench contract only (no domain,
 * no HTTP). BENCH_ROLE picks what this process is:
 *   inproc   – one process hosting `bench` and `caller`: calls go in-process; also measures
 *              a direct method call on the same handler as the baseline
 *   server   – hosts `bench` (answers echo over Redis)
 *   client   – hosts `caller` (calls echo, publishes bench.happened over Redis)
 *   consumer – hosts `sink` (subscribes to bench.happened through a Redis stream group)
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Injectable, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { BusModule, BusOptions, Handles, InProcessServer, OnEvent, RedisServer, ServiceBus } from '@cleave/platform/bus';
import { ProcessIdentityModule, Topology } from '@cleave/platform/process';
import { connectionOptionsFrom, RedisModule, RedisSettings } from '@cleave/platform/redis';
import { BusSettings } from '@cleave/platform/bus';
import { DEFAULT_RESILIENCE, parseResilienceConfig, ResilienceConfig } from '@cleave/platform/resilience';
import { env, fail, serve } from '../lib/child';
import { callCommands, EmitPlan, EventSink, emitEvents } from '../lib/load';
import { BENCH_MODULES, BenchClient, BenchEvent, benchContract, EchoPayload, PAYLOAD } from './bench.contract';

const sink = new EventSink();

@Controller()
class EchoHandlers {
  @Handles(benchContract, 'echo')
  onEcho(request: EchoPayload): EchoPayload {
    return { text: request.text, n: request.n };
  }
}

@Controller()
class SinkHandlers {
  @OnEvent(benchContract, 'bench.happened', 'sink')
  onHappened(event: BenchEvent): void {
    sink.record(event);
  }
}

@Injectable()
class Caller {
  constructor(
    readonly bench: BenchClient,
    readonly bus: ServiceBus,
  ) {}
}

@Module({ controllers: [EchoHandlers] })
class EchoModule {}

@Module({ controllers: [SinkHandlers] })
class SinkModule {}

@Module({ imports: [BusModule.forClients(BenchClient)], providers: [Caller], exports: [Caller] })
class CallerModule {}

const ROLES: Record<string, { process: string; imports: Type[] }> = {
  inproc: { process: 'all', imports: [EchoModule, CallerModule] },
  server: { process: 'server', imports: [EchoModule] },
  client: { process: 'client', imports: [CallerModule] },
  consumer: { process: 'sink', imports: [SinkModule] },
};

async function main(): Promise<void> {
  const role = env('BENCH_ROLE');
  const spec = ROLES[role];
  if (!spec) throw new Error(`unknown BENCH_ROLE ${role}`);
  const topology =
    role === 'inproc'
      ? Topology.parse('bench-inproc', { processes: { all: { gateway: true, modules: BENCH_MODULES } } }, BENCH_MODULES)
      : Topology.parse(
          'bench-redis',
          { processes: { server: { modules: ['bench'] }, client: { gateway: true, modules: ['caller'] }, sink: { modules: ['sink'] } } },
          BENCH_MODULES,
        );
  // The product's own defaults (CLEAVE_BUS_* variables still apply), as bootstrap.ts reads them.
  const bus = BusSettings.from(process.env);
  const options: BusOptions = {
    topology,
    processName: spec.process,
    instanceId: `bench-${spec.process}-${process.pid}-${randomBytes(3).toString('hex')}`,
    resilience: resilienceDefaults(),
    ...bus,
  };

  // Redis as the apps reach it: REDIS_URL, or REDIS_CLUSTER_NODES for the cluster scenario.
  const redis = connectionOptionsFrom(RedisSettings.from({ ...process.env, CLEAVE_REDIS_PREFIX: env('CLEAVE_REDIS_PREFIX') }), options.instanceId);

  @Module({
    imports: [
      ProcessIdentityModule.forRoot(options),
      ...(topology.isSingleProcess ? [] : [RedisModule.forRoot(redis)]),
      BusModule.forRoot(options),
      ...spec.imports,
    ],
  })
  class BenchRoot {}

  const app = await NestFactory.create(BenchRoot, { logger: ['error', 'warn'] });
  app.connectMicroservice({ strategy: app.get(InProcessServer) });
  if (!topology.isSingleProcess) app.connectMicroservice({ strategy: app.get(RedisServer) });
  await app.startAllMicroservices();
  await app.init();

  const caller = role === 'inproc' || role === 'client' ? app.get(Caller) : undefined;
  const handlers = role === 'inproc' ? app.get(EchoHandlers) : undefined;
  serve(
    {
      ...callCommands(() => caller!.bench.echo(PAYLOAD)),
      // The floor of an in-process call: the same handler, called as a plain method.
      ...callCommands(async () => handlers!.onEcho(PAYLOAD), 'direct.'),
      emit: (plan: EmitPlan) => emitEvents((event) => caller!.bus.publish(benchContract, 'bench.happened', event), plan),
      count: ({ phase }: { phase: string }) => sink.count(phase),
      take: ({ phase }: { phase: string }) => sink.take(phase),
    },
    { instanceId: options.instanceId },
  );
}

/**
 * The policies every target gets in the product: config/resilience.json's defaults over the
 * built-in ones (as libs/host loads them); its per-target entries name product modules only.
 */
function resilienceDefaults(): ResilienceConfig {
  const file = join(process.env.CLEAVE_CONFIG_DIR ?? 'config', 'resilience.json');
  if (!existsSync(file)) return DEFAULT_RESILIENCE;
  const config = parseResilienceConfig(JSON.parse(readFileSync(file, 'utf8')), file);
  return { defaults: { ...DEFAULT_RESILIENCE.defaults, ...config.defaults }, targets: {} };
}

main().catch(fail);
