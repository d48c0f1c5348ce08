import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { createRedisConnection, isCluster, RedisConnection, CreateRedisOptions } from './redis.client-factory';
import { REDIS_OPTIONS, RedisConnectionOptions } from './redis.options';
import { RedisKeys, sameSlotGroups } from './redis.keys';
import { describeTarget } from './redis.target';
import { explainRedisError } from './redis.errors';

/**
 * The process's Redis connections, few and long-lived: one for commands (auto-pipelined,
 * shared by every caller), one subscriber for replies, and one per blocking reader, since
 * a blocked connection can do nothing else. All reconnect on their own. On a cluster each is
 * an ioredis Cluster, which keeps a socket per node it needs and follows slots as they move.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  readonly keys: RedisKeys;
  readonly command: RedisConnection;
  /** Replicas a published event must reach before its publish counts (0: none asked). */
  readonly replicasToAck: number;
  private readonly all: RedisConnection[] = [];
  private readonly logger = new Logger('Redis');
  private lastErrorLog = 0;
  private lastFailure?: { error: Error; at: number };

  constructor(@Inject(REDIS_OPTIONS) private readonly options: RedisConnectionOptions) {
    this.keys = new RedisKeys(options.prefix);
    this.replicasToAck = options.replicasToAck ?? 0;
    this.command = this.open('command', { enableAutoPipelining: true });
  }

  /** Whether Redis is a cluster: multi-key commands then need their keys in one slot. */
  get clustered(): boolean {
    return isCluster(this.command);
  }

  /** The keys in groups a single multi-key command may take (one group on a single server). */
  sameSlotGroups(keys: readonly string[]): string[][] {
    return sameSlotGroups(keys, this.clustered);
  }

  /**
   * Why the last connection attempt failed, explained, if one failed within `withinMs`: a
   * refused password shows at connect, while commands then only say NOAUTH or time out.
   */
  recentFailure(withinMs = 10_000): string | undefined {
    if (!this.lastFailure || Date.now() - this.lastFailure.at > withinMs) return undefined;
    return explainRedisError(this.lastFailure.error);
  }

  /** A new connection for a blocking reader or a subscriber. */
  dedicated(role: string): RedisConnection {
    // A blocking read must survive a reconnect instead of failing after N retries.
    return this.open(role, { maxRetriesPerRequest: null });
  }

  private open(role: string, extra: CreateRedisOptions): RedisConnection {
    const connection = createRedisConnection(this.options.target, { connectionName: `${this.options.clientName}:${role}`, ...extra });
    connection.on('error', (error: Error) => {
      this.lastFailure = { error, at: Date.now() };
      // ioredis reports every failed reconnect; one line per few seconds is enough to act on.
      if (Date.now() - this.lastErrorLog < 5000) return;
      this.lastErrorLog = Date.now();
      this.logger.error(`${describeTarget(this.options.target)} (${role}): ${explainRedisError(error)}`);
    });
    this.all.push(connection);
    return connection;
  }

  async onApplicationShutdown(): Promise<void> {
    // QUIT is not auto-pipelined and could overtake replies and acks still queued; a PING
    // is, so once it answers everything queued before it has been sent.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.command.ping().catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, 1000)))]);
    clearTimeout(timer);
    await Promise.all(this.all.map((c) => c.quit().catch(() => c.disconnect())));
  }
}
