import { hostname } from 'node:os';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { InProcessServer } from '@cleave/platform/bus';
import { HealthSettings } from '../health.settings';
import { Readiness } from '../readiness.service';
import { withTimeout } from '../with-timeout';
import { InstanceInfo } from './instance-info';
import { ServiceRegistry } from './service-registry';

const REGISTRY_TIMEOUT_MS = 1000;

/** Announces this instance, with its readiness, every heartbeat; withdraws it on a clean stop. */
@Injectable()
export class Heartbeat implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Registry');
  private timer?: NodeJS.Timeout;
  private info?: Omit<InstanceInfo, 'status' | 'failing' | 'lastSeen'>;
  private beating?: Promise<void>;

  constructor(
    @Inject(PROCESS_IDENTITY) private readonly bus: ProcessIdentity,
    private readonly settings: HealthSettings,
    private readonly registry: ServiceRegistry,
    private readonly readiness: Readiness,
    private readonly handlers: InProcessServer,
  ) {}

  /** Called once the process serves HTTP on `listenHost`:`port`. */
  async start(listenHost: string, port: number): Promise<void> {
    const spec = this.bus.topology.process(this.bus.processName);
    this.info = {
      instanceId: this.bus.instanceId,
      process: this.bus.processName,
      modules: spec.modules,
      gateway: spec.gateway,
      version: this.settings.version,
      host: hostname(),
      pid: process.pid,
      startedAt: new Date().toISOString(),
      url: instanceUrl(this.settings.advertisedHost ?? listenHost, port),
      // Known once the handlers are registered (every transport's server holds the same ones).
      subscriptions: this.handlers.subscriptions(),
    };
    await this.beat();
    this.timer = setInterval(() => void this.beat(), this.settings.heartbeatMs);
    this.timer.unref();
  }

  private beat(): Promise<void> {
    // One beat at a time: a slow check must not pile beats up.
    return (this.beating ??= this.announce().finally(() => (this.beating = undefined)));
  }

  private async announce(): Promise<void> {
    const info = this.info;
    if (!info) return;
    const result = await this.readiness.result();
    // Withdrawn meanwhile: announcing now would put the instance back in the registry.
    if (this.info !== info) return;
    const failing: Record<string, string> = {};
    for (const [key, value] of Object.entries(result.error ?? {})) failing[key] = String((value as { message?: unknown }).message ?? 'down');
    try {
      await withTimeout(this.registry.announce({
        ...info,
        status: result.status === 'ok' ? 'up' : 'down',
        ...(Object.keys(failing).length ? { failing } : {}),
        lastSeen: new Date().toISOString(),
      }), REGISTRY_TIMEOUT_MS);
    } catch (error) {
      this.logger.warn(`Heartbeat not recorded: ${(error as Error).message}`);
    }
  }

  /**
   * Leaves the registry and beats no more: the first step of a drain (and again, harmlessly,
   * when Nest shuts down). Bounded: a Redis that is away must not stretch a shutdown past its
   * grace period.
   */
  async withdraw(): Promise<void> {
    clearInterval(this.timer);
    const info = this.info;
    this.info = undefined;
    await withTimeout(this.beating ?? Promise.resolve(), REGISTRY_TIMEOUT_MS).catch(() => undefined);
    if (info) await withTimeout(this.registry.withdraw(info.instanceId), REGISTRY_TIMEOUT_MS).catch(() => undefined);
  }

  beforeApplicationShutdown(): Promise<void> {
    return this.withdraw();
  }
}

/** Where the other instances reach this one: a wildcard listen address is no address to call. */
function instanceUrl(host: string, port: number): string {
  const reachable = host === '0.0.0.0' || host === '::' ? hostname() : host;
  return `http://${reachable.includes(':') ? `[${reachable}]` : reachable}:${port}`;
}
