import { Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { Gauge, register } from 'prom-client';
import { readForScrape } from '@cleave/platform/metrics';
import { SystemHealthService } from './system-health.service';

const sources = new Set<SystemHealthService>();

/**
 * `cleave_service_instances{process,state}`: the live instances of every process of the
 * topology as the registry sees them, `ready` or `not_ready`, read at scrape time. A process
 * with no instance reports 0, which is what the CleaveProcessMissing alert watches (a scrape
 * target that vanished cannot report its own absence).
 */
@Injectable()
export class SystemHealthMetrics implements OnModuleInit, OnModuleDestroy {
  constructor(private readonly health: SystemHealthService) {}

  onModuleInit(): void {
    if (!register.getSingleMetric('cleave_service_instances')) {
      new Gauge({
        name: 'cleave_service_instances',
        help: 'Live instances of each process of the topology in the service registry, by readiness (read at scrape time)',
        labelNames: ['process', 'state'],
        async collect() {
          this.reset();
          for (const source of sources) {
            for (const service of await readForScrape(() => source.services(), [])) {
              const ready = service.instances.filter((i) => i.status === 'up').length;
              this.labels(service.process, 'ready').set(ready);
              this.labels(service.process, 'not_ready').set(service.instances.length - ready);
            }
          }
        },
      });
    }
    sources.add(this.health);
  }

  onModuleDestroy(): void {
    sources.delete(this.health);
  }
}
