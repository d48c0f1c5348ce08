import { INestApplication, Logger } from '@nestjs/common';
import { DrainReport, RedisServer } from '@cleave/platform/bus';
import { Heartbeat } from '@cleave/platform/health';
import { ProcessLifecycle } from '@cleave/platform/process';
import { HttpDrain } from './http-drain';

export interface ShutdownPlan {
  app: INestApplication;
  http: HttpDrain;
  /** Split: the transport that takes requests and events from Redis. */
  bus?: RedisServer;
  /** How long the HTTP edge keeps answering before it stops accepting (a gateway's; 0 elsewhere). */
  delayMs: number;
  /** The whole stop, past which the exit is forced. */
  timeoutMs: number;
}

/**
 * The one orchestrated stop of a process, on SIGTERM or SIGINT, in the order the design
 * asks: not ready and withdrawn from the registry; stop taking work (a request taken but not
 * started goes back to its queue); finish what is in flight (handlers with their replies and
 * acks, HTTP requests, running sagas); then Nest closes relays, timers, databases and Redis;
 * exit 0. The bound or a second signal forces the exit (1), logged as such. Replaces Nest's
 * enableShutdownHooks, which re-raises the signal (exit 143) and closes nothing in this order.
 */
export class ProcessShutdown {
  private readonly logger = new Logger('Shutdown');
  private stopping = false;

  constructor(private readonly plan: ShutdownPlan) {}

  listen(): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) process.on(signal, () => this.onSignal(signal));
  }

  private onSignal(signal: NodeJS.Signals): void {
    if (this.stopping) return this.force(`a second ${signal} during the drain`);
    this.stopping = true;
    const timer = setTimeout(() => this.force(`the drain took longer than CLEAVE_SHUTDOWN_TIMEOUT_MS=${this.plan.timeoutMs}`), this.plan.timeoutMs);
    timer.unref();
    this.stop(signal).then(
      () => process.exit(0),
      (error: unknown) => {
        this.logger.error(`Stop failed: ${(error as Error)?.stack ?? String(error)}`);
        process.exit(1);
      },
    );
  }

  private force(why: string): void {
    this.logger.error(`Forced exit: ${why}`);
    process.exit(1);
  }

  private async stop(signal: NodeJS.Signals): Promise<void> {
    const { app, http, bus, delayMs, timeoutMs } = this.plan;
    const started = performance.now();
    this.logger.log(`${signal}: stopping (readiness 503, leaving the registry, taking no new work)`);
    app.get(ProcessLifecycle).drain();
    http.closeAfterEachAnswer();
    const withdrawn = app.get(Heartbeat).withdraw();
    // Requests and events: no more taken from Redis; what was taken finishes. Leaves time
    // at the end of the bound for Nest to close what remains.
    const drained: Promise<DrainReport | undefined> = bus ? bus.drain(Math.max(1000, timeoutMs - delayMs - 2000)) : Promise.resolve(undefined);
    await withdrawn;
    this.logger.log('Left the registry');
    // A load balancer routes by readiness: it is told before connections are refused.
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    await http.close();
    const report = await drained;
    const ms = Math.round(performance.now() - started);
    if (report) {
      this.logger.log(
        `Drained in ${report.ms} ms: ${report.requests} request(s) and ${report.events} event(s) under way finished, ` +
          `${report.handedBack} request(s) handed back to their queue${report.unfinished ? `, ${report.unfinished} cut off by the bound` : ''}`,
      );
    }
    // Relays, sagas, timers (their onModuleDestroy), then databases and Redis.
    await app.close();
    this.logger.log(`Stopped in ${Math.round(performance.now() - started)} ms (HTTP and bus drained after ${ms} ms)`);
  }
}
