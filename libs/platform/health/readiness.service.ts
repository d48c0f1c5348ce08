import { Inject, Injectable, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { HealthCheckResult, HealthCheckService, HealthIndicatorFunction, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { BUS_OPTIONS, BusOptions } from '../bus/bus.options';
import { ServiceBus } from '../bus/service-bus';
import { RedisConnections } from '../bus/transports/redis/redis.connections';
import { ServiceRegistry } from '../registry/service-registry';
import { TargetPolicies } from '../resilience/target-policies';

const PING_TIMEOUT_MS = 1000;

/**
 * Whether this process can do its work: its modules' databases answer, Redis answers (when
 * split), and every module it calls has a ready instance and a breaker that is not open
 * (for a module of a non-critical process, its absence is reported as degraded, not down).
 * Checked live at every request to /health/ready and every heartbeat, so it turns back to
 * ready on its own when a dependency returns.
 */
@Injectable()
export class Readiness {
  constructor(
    @Inject(BUS_OPTIONS) private readonly options: BusOptions,
    private readonly moduleRef: ModuleRef,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly bus: ServiceBus,
    private readonly policies: TargetPolicies,
    private readonly registry: ServiceRegistry,
    @Optional() private readonly redis?: RedisConnections,
  ) {}

  /** Terminus's answer; rejects with a 503 carrying the same body when something is down. */
  check(): Promise<HealthCheckResult> {
    return this.health.check(this.checks());
  }

  /** The same checks, as a result whatever the outcome (for heartbeats). */
  async result(): Promise<HealthCheckResult> {
    try {
      return await this.check();
    } catch (error) {
      const body = (error as { getResponse?: () => unknown }).getResponse?.();
      if (body && typeof body === 'object' && 'status' in body) return body as HealthCheckResult;
      return { status: 'error', error: { readiness: { status: 'down', message: (error as Error).message } }, details: {} };
    }
  }

  private checks(): HealthIndicatorFunction[] {
    const checks: HealthIndicatorFunction[] = [];
    const hosted = this.options.topology.process(this.options.processName).modules;
    for (const module of hosted) {
      const connection = this.dataSource(module);
      if (connection) checks.push(() => this.database.pingCheck(`db:${module}`, { connection, timeout: PING_TIMEOUT_MS }));
    }
    if (this.redis) checks.push(() => this.pingRedis(this.redis!));
    for (const target of this.bus.targets()) {
      if (this.options.topology.hostOfModule(target) !== this.options.processName) checks.push(() => this.checkTarget(target));
    }
    return checks;
  }

  private async pingRedis(redis: RedisConnections) {
    const indicator = this.indicators.check('redis');
    try {
      await withTimeout(redis.command.ping(), PING_TIMEOUT_MS);
      return indicator.up();
    } catch (error) {
      return indicator.down({ message: `Redis does not answer: ${(error as Error).message}` });
    }
  }

  private async checkTarget(target: string) {
    const indicator = this.indicators.check(`module:${target}`);
    if (this.policies.breakerStates()[target] === 'open') return indicator.down({ message: `circuit breaker for ${target} is open` });
    const host = this.options.topology.hostOfModule(target);
    const instances = (await this.registry.instances()).filter((i) => i.process === host);
    const ready = instances.filter((i) => i.status === 'up').length;
    if (!ready) {
      const message = instances.length ? `no ready ${host} instance (${instances.length} not ready)` : `no ${host} instance is running`;
      // Without a non-critical service this process still does its main work: degraded, not down.
      if (!this.options.topology.process(host).critical) return indicator.up({ degraded: true, message, instances: 0 });
      return indicator.down({ message, instances: 0 });
    }
    return indicator.up({ instances: ready });
  }

  private dataSource(module: string): DataSource | undefined {
    try {
      return this.moduleRef.get<DataSource>(getDataSourceToken(module), { strict: false });
    } catch {
      return undefined;
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([promise, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}
