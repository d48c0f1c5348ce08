import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis, { RedisOptions } from 'ioredis';
import { REDIS_OPTIONS, RedisConnectionOptions } from './redis.options';
import { RedisKeys } from './redis.keys';

/**
 * The process's Redis connections, few and long-lived: one for commands (auto-pipelined,
 * shared by every caller), one subscriber for replies, and one per blocking reader, since
 * a blocked connection can do nothing else. All reconnect on their own.
 */
@Injectable()
export class RedisConnections implements OnApplicationShutdown {
  readonly keys: RedisKeys;
  readonly command: Redis;
  private readonly all: Redis[] = [];
  private readonly logger = new Logger('Redis');
  private lastErrorLog = 0;

  constructor(@Inject(REDIS_OPTIONS) private readonly options: RedisConnectionOptions) {
    this.keys = new RedisKeys(options.prefix);
    this.command = this.open('command', { enableAutoPipelining: true });
  }

  /** A new connection for a blocking reader or a subscriber. */
  dedicated(role: string): Redis {
    // A blocking read must survive a reconnect instead of failing after N retries.
    return this.open(role, { maxRetriesPerRequest: null });
  }

  private open(role: string, extra: RedisOptions): Redis {
    const connection = new Redis(this.options.url, {
      connectionName: `${this.options.clientName}:${role}`,
      retryStrategy: (attempt) => Math.min(50 * 2 ** attempt, 2000),
      ...extra,
    });
    connection.on('error', (error: Error) => {
      // ioredis reports every failed reconnect; one line per few seconds is enough to act on.
      if (Date.now() - this.lastErrorLog < 5000) return;
      this.lastErrorLog = Date.now();
      this.logger.error(`Redis at ${redactUrl(this.options.url)} unreachable (${role}): ${error.message}`);
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

function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, '//***@');
}
