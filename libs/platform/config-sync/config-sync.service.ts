import { hostname } from 'node:os';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown, Optional } from '@nestjs/common';
import { ConfigView, LiveConfig } from '@cleave/platform/config';
import { HealthSettings } from '@cleave/platform/health';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { RedisConnections, RedisConnection } from '@cleave/platform/redis';
import { ConfigViews, InstanceConfigView } from './config-views';
import { parseReloadMessage, ReloadMessage, ReloadReply } from './reload-messages';

const REDIS_TIMEOUT_MS = 1000;

/**
 * A process's configuration seen from the whole system. It publishes what this instance runs
 * with (after each reload, and every heartbeat so a dead instance's view expires), and, split,
 * listens on Redis for `npm run config:reload`: each process re-reads its own sources (it may
 * run on another host), applies what is live, and answers with what it did.
 */
@Injectable()
export class ConfigSync implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Config');
  private readonly startedAt = new Date().toISOString();
  private subscriber?: RedisConnection;
  private timer?: NodeJS.Timeout;
  private stopListening?: () => void;
  /** The view changes only on a reload: built then, not on every heartbeat. */
  private settingsView?: ConfigView;
  private publishing?: Promise<void>;
  private republish = false;
  private lastWarning = 0;

  constructor(
    private readonly config: LiveConfig,
    private readonly views: ConfigViews,
    private readonly health: HealthSettings,
    @Inject(PROCESS_IDENTITY) private readonly identity: ProcessIdentity,
    @Optional() private readonly redis?: RedisConnections,
  ) {}

  view(): InstanceConfigView {
    return {
      instanceId: this.identity.instanceId,
      process: this.identity.processName,
      host: hostname(),
      pid: process.pid,
      startedAt: this.startedAt,
      updatedAt: new Date().toISOString(),
      ...(this.settingsView ??= this.config.view()),
    };
  }

  async onApplicationBootstrap(): Promise<void> {
    this.stopListening = this.config.onReload(() => {
      this.settingsView = undefined;
      void this.publish();
    });
    await this.publish();
    this.timer = setInterval(() => void this.publish(), this.health.heartbeatMs);
    this.timer.unref();
    if (this.redis && !this.identity.topology.isSingleProcess) await this.listen(this.redis);
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.stopListening?.();
    await this.subscriber?.quit().catch(() => this.subscriber?.disconnect());
    await bounded(this.views.withdraw(this.identity.instanceId)).catch(() => undefined);
  }

  private async listen(redis: RedisConnections): Promise<void> {
    const channel = redis.keys.configReload();
    this.subscriber = redis.dedicated('config');
    this.subscriber.on('message', (from: string, raw: string) => {
      if (from === channel) void this.onReloadMessage(raw, redis);
    });
    await this.subscriber.subscribe(channel);
  }

  private async onReloadMessage(raw: string, redis: RedisConnections): Promise<void> {
    const message = parseReloadMessage(raw);
    if (!message) {
      this.logger.warn(`Ignoring a malformed reload request on ${redis.keys.configReload()}`);
      return;
    }
    if (message.process && message.process !== this.identity.processName) return;
    const outcome = await this.config.reload({ trigger: triggerOf(message), overrides: message.overrides, resetOverrides: message.reset });
    // The view first: once a caller has every answer, /config shows what they say.
    await this.publish();
    const reply: ReloadReply = { id: message.id, instanceId: this.identity.instanceId, process: this.identity.processName, outcome };
    await bounded(redis.command.publish(redis.keys.configReloaded(), JSON.stringify(reply))).catch((error: Error) =>
      this.logger.warn(`Could not answer reload ${message.id}: ${error.message}`),
    );
  }

  /** One write at a time; a change asked for meanwhile is written right after. */
  private publish(): Promise<void> {
    if (this.publishing) {
      this.republish = true;
      return this.publishing;
    }
    this.publishing = (async () => {
      do {
        this.republish = false;
        try {
          await bounded(this.views.publish(this.view()));
        } catch (error) {
          // Redis away: the registry says so too; one line every few seconds is enough.
          if (Date.now() - this.lastWarning > 10_000) {
            this.lastWarning = Date.now();
            this.logger.warn(`Configuration view not published: ${(error as Error).message}`);
          }
        }
      } while (this.republish);
    })().finally(() => (this.publishing = undefined));
    return this.publishing;
  }
}

function triggerOf(message: ReloadMessage): string {
  const names = Object.keys(message.overrides ?? {});
  return ['npm run config:reload', ...(names.length ? [`overriding ${names.join(', ')}`] : []), ...(message.reset ? ['dropping overrides'] : [])].join(', ');
}

function bounded<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer from Redis within ${REDIS_TIMEOUT_MS} ms`)), REDIS_TIMEOUT_MS)));
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}
