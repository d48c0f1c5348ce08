import { Inject, Injectable } from '@nestjs/common';
import type { InstanceInfo } from '@cleave/platform/health';
import { MetricSnapshot, readMetrics } from '@cleave/platform/metrics';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { METRIC_NAMES } from './metric-names';

/**
 * Reads the dashboard's metrics of one instance: this process's from its own registry, any
 * other's from the `/metrics` URL it announced in the registry, as JSON and only the metrics
 * the dashboard shows (so only their collectors run there). Nothing else touches the modules.
 */
@Injectable()
export class MetricsReader {
  private readonly query = `/metrics?format=json&names=${METRIC_NAMES.join(',')}`;

  constructor(@Inject(PROCESS_IDENTITY) private readonly identity: ProcessIdentity) {}

  async read(instance: InstanceInfo, timeoutMs: number): Promise<Map<string, MetricSnapshot>> {
    const metrics = instance.instanceId === this.identity.instanceId ? await readMetrics(METRIC_NAMES) : await this.fetch(instance, timeoutMs);
    return new Map(metrics.map((m) => [m.name, m]));
  }

  private async fetch(instance: InstanceInfo, timeoutMs: number): Promise<MetricSnapshot[]> {
    if (!instance.url) throw new Error('it announced no URL');
    const response = await fetch(`${instance.url}${this.query}`, { signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) throw new Error(`GET /metrics answered ${response.status}`);
    const body = (await response.json()) as unknown;
    if (!Array.isArray(body)) throw new Error('GET /metrics?format=json did not answer a list');
    return body as MetricSnapshot[];
  }
}
