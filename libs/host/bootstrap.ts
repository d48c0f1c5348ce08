import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { NestFactory } from '@nestjs/core';
import { BusOptions, BusSettings, InProcessServer, RedisServer } from '@cleave/platform/bus';
import { ConfigSchema, ConfigSettings, ConfigSources, SettingsError, SettingsModule } from '@cleave/platform/config';
import { Heartbeat } from '@cleave/platform/health';
import { configureHttp, HttpSettings } from '@cleave/platform/http';
import { serveOpenApi } from '@cleave/gateway/http/openapi/openapi';
import { JsonLogger, LoggingSettings } from '@cleave/platform/logging';
import { LifecycleSettings, ProcessLifecycle, ProcessSettings, TopologyError } from '@cleave/platform/process';
import { ResilienceConfigError, ResilienceSettings } from '@cleave/platform/resilience';
import { explainRedisError } from '@cleave/platform/redis';
import { MODULE_NAMES } from './domain-modules';
import { HttpDrain } from './http-drain';
import { ProcessShutdown } from './process-shutdown';
import { ProcessModule } from './process.module';
import { ALL_SETTINGS, PLATFORM_SETTINGS, processSchema } from './settings';

/** Read by scripts and the test harness, not by a process: no warning for them. */
const TOOLING_VARIABLES = ['CLEAVE_INSTANCES', 'CLEAVE_TEST_POSTGRES_URL', 'CLEAVE_E2E_SKIP_BUILD', 'CLEAVE_TEST_REDIS_PID', 'CLEAVE_WRITE_CONFIG_DOCS'];

export interface ProcessDefaults {
  /** Topology when CLEAVE_TOPOLOGY is unset. */
  topology: string;
  /** Process when CLEAVE_PROCESS is unset; a one-process topology needs none. */
  process?: string;
}

/**
 * Starts one Cleave process: reads and checks its configuration (every source, every
 * setting of what it hosts), builds the modules this process hosts, connects the bus
 * transports, serves HTTP. Every app's main.ts is a call to this with its own defaults.
 */
export async function bootstrapProcess(defaults: ProcessDefaults): Promise<void> {
  try {
    await start(defaults);
  } catch (error) {
    if (error instanceof TopologyError || error instanceof SettingsError || error instanceof ResilienceConfigError) {
      // A configuration mistake: the message says what to fix; a stack trace would only hide it.
      console.error(`Cleave cannot start: ${error.message}`);
    } else if (isRedisRefusal(error)) {
      // Redis refused this process (its credentials, a command): the settings to check. Never the
      // error itself: ioredis hangs the refused AUTH command, password included, on it.
      console.error(`Cleave cannot start: ${explainRedisError(error)}`);
    } else {
      console.error('Cleave failed to start:', error);
    }
    process.exit(1);
  }
}

/** An answer of Redis refusing something (ioredis's ReplyError). */
function isRedisRefusal(error: unknown): error is Error {
  return error instanceof Error && error.name === 'ReplyError';
}

/** The process's topology and name; if they cannot be read, every problem of the platform's settings. */
function whichProcess(sources: ConfigSources): ProcessSettings {
  try {
    return ConfigSchema.of([ConfigSettings, ProcessSettings], MODULE_NAMES).load(sources.read()).groups.get(ProcessSettings) as ProcessSettings;
  } catch (error) {
    ConfigSchema.of(PLATFORM_SETTINGS, MODULE_NAMES).load(sources.read());
    throw error;
  }
}

async function start(defaults: ProcessDefaults): Promise<void> {
  const sources = ConfigSources.fromProcess({ CLEAVE_TOPOLOGY: defaults.topology, CLEAVE_PROCESS: defaults.process });
  // Which process this is decides which libs' settings apply: the platform's first (with
  // every problem they have), then everything this process hosts.
  const { topology, processName } = whichProcess(sources);
  const spec = topology.process(processName);
  const config = await SettingsModule.load({ schema: processSchema(spec), sources, known: ALL_SETTINGS });
  const { live } = config;
  const listen = live.get(ProcessSettings);

  const bus: BusOptions = {
    topology,
    processName,
    instanceId: `${processName}-${hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    resilience: live.get(ResilienceSettings).policies,
    ...live.get(BusSettings),
  };

  // One JSON logger for the process, Nest's own lines included (trace ids: see JsonLogger).
  const logger = JsonLogger.forProcess({ process: processName, instance: bus.instanceId }, live.get(LoggingSettings));
  const typos = live.undeclared(TOOLING_VARIABLES);
  if (typos.length) logger.warn(`Ignoring ${typos.join(', ')}: not settings of Cleave (every setting is in .env.example)`, 'Config');
  const app = await NestFactory.create(ProcessModule.forProcess({ live, module: config.module }, bus), { logger, bodyParser: false });
  configureHttp(app, live.get(HttpSettings));
  if (spec.gateway) serveOpenApi(app);
  // Start-up in the design's order. The in-process transport first: it takes nothing by
  // itself, and code run while the app initialises (a relay's first pass, say) may call it.
  await app.connectMicroservice({ strategy: app.get(InProcessServer) }).listen();
  // Then everything initialised (replies subscribed, tracing and metrics up, migrations
  // done, relays and recovery started), and only then requests and events taken from Redis.
  await app.init();
  const redisServer = topology.isSingleProcess ? undefined : app.get(RedisServer);
  if (redisServer) await app.connectMicroservice({ strategy: redisServer }).listen();
  app.get(ProcessLifecycle).serving();
  const http = new HttpDrain(app.getHttpServer());
  const stopping = live.get(LifecycleSettings);
  new ProcessShutdown({ app, http, bus: redisServer, delayMs: spec.gateway ? stopping.shutdownDelayMs : 0, timeoutMs: stopping.shutdownTimeoutMs }).listen();
  await app.listen(listen.port, listen.host);

  const address = app.getHttpServer().address() as { port: number };
  await app.get(Heartbeat).start(listen.host, address.port);
  const hosted = [...(spec.gateway ? ['gateway'] : []), ...spec.modules].join(', ');
  logger.pino.info({ context: 'Cleave', url: `http://127.0.0.1:${address.port}`, topology: topology.name, hosts: hosted }, `${processName} ready`);
  // Also as plain text: scripts and the e2e harness wait for this exact line.
  console.log(`${processName} ready: http://127.0.0.1:${address.port} (topology ${topology.name}, hosts ${hosted}, instance ${bus.instanceId})`);
}
