import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { BusOptions, InProcessServer, RedisServer } from '@cleave/platform/bus';
import { Heartbeat } from '@cleave/platform/health';
import { TopologyError } from '@cleave/platform/process';
import { readPlatformSettings, SettingsError } from '@cleave/platform/config';
import { JsonLogger, readLoggingSettings } from '@cleave/platform/logging';
import { ResilienceConfigError } from '@cleave/platform/resilience';
import { MODULE_NAMES } from './domain-modules';
import { ProcessModule } from './process.module';
import { loadResilience, loadTopology } from './config.loader';

export interface ProcessDefaults {
  /** Topology when CLEAVE_TOPOLOGY is unset. */
  topology: string;
  /** Process when CLEAVE_PROCESS is unset; a one-process topology needs none. */
  process?: string;
}

/**
 * Starts one Cleave process: reads and checks the environment and the topology, builds the
 * modules this process hosts, connects the bus transports, serves HTTP. Every app's main.ts
 * is a call to this with its own defaults.
 */
export async function bootstrapProcess(defaults: ProcessDefaults): Promise<void> {
  try {
    if (existsSync('.env')) process.loadEnvFile('.env');
    await start(defaults);
  } catch (error) {
    if (error instanceof TopologyError || error instanceof SettingsError || error instanceof ResilienceConfigError) {
      // A configuration mistake: the message says what to fix; a stack trace would only hide it.
      console.error(`Cleave cannot start: ${error.message}`);
    } else {
      console.error('Cleave failed to start:', error);
    }
    process.exit(1);
  }
}

async function start(defaults: ProcessDefaults): Promise<void> {
  const settings = readPlatformSettings(process.env, defaults);
  const topology = loadTopology(settings.topologyName, MODULE_NAMES);
  const processName = settings.processName ?? (topology.isSingleProcess ? topology.processNames[0] : undefined);
  if (!processName) {
    throw new TopologyError(`topology "${topology.name}" has several processes: set CLEAVE_PROCESS to one of ${topology.processNames.join(', ')}`);
  }
  const spec = topology.process(processName);
  const bus: BusOptions = {
    topology,
    processName,
    instanceId: `${processName}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    resilience: loadResilience(MODULE_NAMES),
    ...settings.bus,
  };

  // One JSON logger for the process, Nest's own lines included (trace ids: see JsonLogger).
  const logger = JsonLogger.forProcess({ process: processName, instance: bus.instanceId }, readLoggingSettings(process.env));
  const app = await NestFactory.create(ProcessModule.forProcess({ ...settings, processName }, bus), { logger });
  app.enableShutdownHooks();
  app.connectMicroservice({ strategy: app.get(InProcessServer) });
  if (!topology.isSingleProcess) app.connectMicroservice({ strategy: app.get(RedisServer) });
  await app.startAllMicroservices();
  await app.listen(settings.port, settings.host);

  const address = app.getHttpServer().address() as { port: number };
  await app.get(Heartbeat).start(`http://${settings.host === '0.0.0.0' ? hostname() : settings.host}:${address.port}`);
  const hosted = [...(spec.gateway ? ['gateway'] : []), ...spec.modules].join(', ');
  logger.pino.info({ context: 'Cleave', url: `http://127.0.0.1:${address.port}`, topology: topology.name, hosts: hosted }, `${processName} ready`);
  // Also as plain text: scripts and the e2e harness wait for this exact line.
  console.log(`${processName} ready: http://127.0.0.1:${address.port} (topology ${topology.name}, hosts ${hosted}, instance ${bus.instanceId})`);
}
