import { Inject, Injectable, Optional } from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getDataSourceToken } from '@nestjs/typeorm';
import { HealthCheckResult, HealthCheckService, HealthIndicatorFunction, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { DataSource } from 'typeorm';
import { ServiceBus } from '@cleave/platform/bus';
import { PROCESS_IDENTITY, ProcessIdentity, ProcessLifecycle } from '@cleave/platform/process';
import { explainRedisError, RedisConnections } from '@cleave/platform/redis';
import { TargetPolicies } from '@cleave/platform/resilience';
import { InstanceInfo } from './registry/instance-info';
import { ServiceRegistry } from './registry/service-registry';
import { withTimeout } from './with-timeout';

const PING_TIMEOUT_MS = 1000;

/**
 * Whether this process can do its work: it is serving (started and consuming, not stopping),
 * its modules' databases answer, Redis answers (when
 * split), and every module it calls has a live instance (for a module of a non-critical
 * process, or behind an open breaker, it reports degraded instead of down).
 * Checked live at every request to /health/ready and every heartbeat, so it turns back to
 * ready on its own when a dependency returns.
 */
@Injectable()
export class Readiness {
  constructor(
    @Inject(PROCESS_IDENTITY) private readonly options: ProcessIdentity,
    private readonly moduleRef: ModuleRef,
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly database: TypeOrmHealthIndicator,
    private readonly bus: ServiceBus,
    private readonly policies: TargetPolicies,
    private readonly registry: ServiceRegistry,
    private readonly lifecycle: ProcessLifecycle,
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
    const checks: HealthIndicatorFunction[] = [() => this.checkPhase()];
    const hosted = this.options.topology.process(this.options.processName).modules;
    for (const module of hosted) {
      const connection = this.dataSource(module);
      if (connection) checks.push(() => this.database.pingCheck(`db:${module}`, { connection, timeout: PING_TIMEOUT_MS }));
    }
    if (this.redis) checks.push(() => this.pingRedis(this.redis!));
    // One registry read for all the targets (a gateway calls six modules): it is a SCAN.
    let listing: Promise<InstanceInfo[]> | undefined;
    const instances = () => (listing ??= withTimeout(this.registry.instances(), PING_TIMEOUT_MS));
    for (const target of this.bus.targets()) {
      if (this.options.topology.hostOfModule(target) !== this.options.processName) checks.push(() => this.checkTarget(target, instances));
    }
    return checks;
  }

  /** Not ready before it consumes (start-up) nor once it stops taking work (drain). */
  private checkPhase() {
    const indicator = this.indicators.check('process');
    const phase = this.lifecycle.phase;
    if (phase === 'serving') return indicator.up();
    return indicator.down({ message: phase === 'starting' ? 'starting: not consuming yet' : 'stopping: draining, takes no new work' });
  }

  private async pingRedis(redis: RedisConnections) {
    const indicator = this.indicators.check('redis');
    try {
      // Not PING: an anonymous connection may PING (health checks), so it would pass for a process
      // that forgot its credentials. Reading a key under the prefix needs this process's user.
      await withTimeout(redis.command.exists(redis.keys.readinessProbe()), PING_TIMEOUT_MS);
      return indicator.up();
    } catch (error) {
      // A refused password or certificate says more than the timeout or NOAUTH that follows it.
      return indicator.down({ message: redis.recentFailure() ?? explainRedisError(error as Error) });
    }
  }

  /**
   * A module this process calls is available when an instance of it is alive (heartbeating),
   * whatever that instance's own readiness: judging by it would spread one outage down the
   * whole chain. An open breaker is reported as degraded, not down: cockatiel half-opens only
   * when a call tries, so "down" would keep this process out of rotation with nothing to try.
   */
  private async checkTarget(target: string, instances: () => Promise<InstanceInfo[]>) {
    const indicator = this.indicators.check(`module:${target}`);
    const host = this.options.topology.hostOfModule(target);
    let alive: number;
    try {
      alive = (await instances()).filter((i) => i.process === host).length;
    } catch (error) {
      return indicator.down({ message: `cannot read the service registry: ${(error as Error).message}` });
    }
    if (!alive) {
      const message = `no ${host} instance is running`;
      // Without a non-critical service this process still does its main work: degraded, not down.
      if (!this.options.topology.process(host).critical) return indicator.up({ degraded: true, message, instances: 0 });
      return indicator.down({ message, instances: 0 });
    }
    if (this.policies.breakerStates()[target] === 'open') {
      return indicator.up({ degraded: true, message: `circuit breaker for ${target} is open`, instances: alive });
    }
    return indicator.up({ instances: alive });
  }

  private dataSource(module: string): DataSource | undefined {
    try {
      return this.moduleRef.get<DataSource>(getDataSourceToken(module), { strict: false });
    } catch {
      return undefined;
    }
  }
}
