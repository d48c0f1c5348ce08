import { Inject, Injectable } from '@nestjs/common';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { InstanceInfo, ServiceRegistry } from '@cleave/platform/health';

export interface ServiceView {
  process: string;
  modules: string[];
  gateway: boolean;
  critical: boolean;
  instances: InstanceInfo[];
}

export interface SystemHealth {
  /** healthy: all up; degraded: a non-critical service is down; down: a critical one is. */
  status: 'healthy' | 'degraded' | 'down';
  services: Record<string, { status: 'up' | 'down'; critical: boolean; instances: number; ready: number; reason?: string }>;
}

/** The whole system as the registry sees it: every process of the topology and its instances. */
@Injectable()
export class SystemHealthService {
  constructor(
    @Inject(PROCESS_IDENTITY) private readonly options: ProcessIdentity,
    private readonly registry: ServiceRegistry,
  ) {}

  /** `instances`: what the registry listed, when the caller has just read it. */
  async services(instances?: InstanceInfo[]): Promise<ServiceView[]> {
    instances ??= await this.registry.instances();
    return Object.entries(this.options.topology.processes).map(([process, spec]) => ({
      process,
      modules: spec.modules,
      gateway: spec.gateway,
      critical: spec.critical,
      instances: instances.filter((i) => i.process === process).sort((a, b) => a.startedAt.localeCompare(b.startedAt)),
    }));
  }

  async health(instances?: InstanceInfo[]): Promise<SystemHealth> {
    const services: SystemHealth['services'] = {};
    let criticalDown = false;
    let anyDown = false;
    for (const service of await this.services(instances)) {
      const ready = service.instances.filter((i) => i.status === 'up');
      const up = ready.length > 0;
      const entry: SystemHealth['services'][string] = { status: up ? 'up' : 'down', critical: service.critical, instances: service.instances.length, ready: ready.length };
      if (!up) {
        entry.reason = service.instances.length
          ? `no ready instance: ${describeFailures(service.instances)}`
          : 'no instance is running';
        anyDown = true;
        criticalDown ||= service.critical;
      }
      services[service.process] = entry;
    }
    return { status: criticalDown ? 'down' : anyDown ? 'degraded' : 'healthy', services };
  }
}

/** The failing checks by name only: this answer is public, the checks' own messages are not. */
function describeFailures(instances: InstanceInfo[]): string {
  const checks = new Set(instances.flatMap((i) => Object.keys(i.failing ?? {})));
  return checks.size ? `failing ${[...checks].join(', ')}` : 'not ready';
}
