import { hostname } from 'node:os';
import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { BUS_OPTIONS, BusOptions } from '../bus/bus.options';
import { PLATFORM_SETTINGS, PlatformSettings } from '../config/platform.settings';
import { Readiness } from '../health/readiness.service';
import { InstanceInfo } from './instance-info';
import { ServiceRegistry } from './service-registry';

/** Announces this instance, with its readiness, every heartbeat; withdraws it on a clean stop. */
@Injectable()
export class Heartbeat implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Registry');
  private timer?: NodeJS.Timeout;
  private info?: Omit<InstanceInfo, 'status' | 'failing' | 'lastSeen'>;
  private beating?: Promise<void>;

  constructor(
    @Inject(BUS_OPTIONS) private readonly bus: BusOptions,
    @Inject(PLATFORM_SETTINGS) private readonly settings: PlatformSettings,
    private readonly registry: ServiceRegistry,
    private readonly readiness: Readiness,
  ) {}

  /** Called once the process serves HTTP at `url`. */
  async start(url: string): Promise<void> {
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
      url,
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
    if (!this.info) return;
    const result = await this.readiness.result();
    const failing: Record<string, string> = {};
    for (const [key, value] of Object.entries(result.error ?? {})) failing[key] = String((value as { message?: unknown }).message ?? 'down');
    try {
      await this.registry.announce({
        ...this.info,
        status: result.status === 'ok' ? 'up' : 'down',
        ...(Object.keys(failing).length ? { failing } : {}),
        lastSeen: new Date().toISOString(),
      });
    } catch (error) {
      this.logger.warn(`Heartbeat not recorded: ${(error as Error).message}`);
    }
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.beating;
    if (this.info) await this.registry.withdraw(this.info.instanceId).catch(() => undefined);
  }
}
