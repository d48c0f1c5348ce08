import type { RedisConnection } from '@cleave/platform/redis';
import { NotFoundError } from '@cleave/contracts/kernel/errors';

/** How long a looked-up route is trusted before it is read again (a pattern moved to another app). */
const CACHE_MS = 5000;

/**
 * Which app serves each plain Nest pattern (a string or object pattern that is not a hosted
 * module's `<module>.<name>`): a Redis hash, pattern -> app, that every server writes for the
 * patterns it registers when it starts listening, overridden by routes given in configuration.
 *
 * Why from what the servers register and not from the live-instance registry: a route must
 * outlive its instances. While every instance of an app is down (a deploy, a crash) its
 * requests must still wait in its queue until their deadline, as Cleave's own do, and only a
 * pattern nobody ever served fails at once; the registry forgets an instance seconds after it
 * stops. And a plain Nest app has no Cleave registry to read. Configuration (`routes`) is
 * there for callers that must know a route before its first server ever started.
 */
export class RouteTable {
  private readonly cache = new Map<string, { app: string; until: number }>();

  constructor(
    private readonly redis: RedisConnection,
    private readonly key: string,
    private readonly configured: Readonly<Record<string, string>> = {},
  ) {}

  /** Records that `app` serves `patterns` (the last app to register a pattern gets it). */
  async register(app: string, patterns: readonly string[]): Promise<void> {
    if (patterns.length) await this.redis.hset(this.key, Object.fromEntries(patterns.map((pattern) => [pattern, app])));
  }

  /** The app serving `pattern`; a NotFoundError naming it when no app ever registered it. */
  async appOf(pattern: string): Promise<string> {
    const configured = this.configured[pattern];
    if (configured) return configured;
    const cached = this.cache.get(pattern);
    if (cached && cached.until > Date.now()) return cached.app;
    const app = await this.redis.hget(this.key, pattern);
    if (!app) {
      this.cache.delete(pattern);
      throw new NotFoundError(`No app serves the pattern ${pattern}: no server registered a handler for it`, { pattern });
    }
    this.cache.set(pattern, { app, until: Date.now() + CACHE_MS });
    return app;
  }
}
