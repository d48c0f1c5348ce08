/** Every Redis key Cleave uses, under one prefix (so test runs and tenants stay apart). */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** A list per module: requests waiting for any instance of it. */
  requests(module: string): string {
    return `${this.prefix}:req:${module}`;
  }

  /**
   * A list per app: requests for the plain Nest patterns it serves (an app's name cannot
   * clash with a module's: it is marked with an @).
   */
  appRequests(app: string): string {
    return this.requests(`@${app}`);
  }

  /** A hash of routes: each plain Nest pattern and the app that serves it (see RouteTable). */
  routes(): string {
    return `${this.prefix}:routes`;
  }

  /** A pub/sub channel per calling instance: the answers to its requests. */
  replies(instanceId: string): string {
    return `${this.prefix}:reply:${instanceId}`;
  }

  /** A stream per event type; each subscribing module reads it through its consumer group. */
  events(event: string): string {
    return `${this.prefix}:evt:${event}`;
  }

  /** Events a subscriber failed too many times, kept for inspection and replay. */
  deadLetters(event: string): string {
    return `${this.prefix}:dlq:${event}`;
  }

  /** SCAN pattern matching every dead-letter stream. */
  deadLetterPattern(): string {
    return `${this.prefix}:dlq:*`;
  }

  /** The event a dead-letter stream key holds, or undefined for another key. */
  deadLetterEvent(key: string): string | undefined {
    const head = `${this.prefix}:dlq:`;
    return key.startsWith(head) ? key.slice(head.length) : undefined;
  }

  /**
   * A hash per event and subscribing module: the first and the last error of each entry its
   * handler failed, until the entry succeeds or is dead-lettered with them.
   */
  deliveryFailures(event: string, group: string): string {
    return `${this.prefix}:evt-failures:${event}:${group}`;
  }

  /** A pub/sub channel per broadcast: live notices for whoever listens now. */
  broadcasts(name: string): string {
    return `${this.prefix}:bc:${name}`;
  }

  /** Tracing (split topologies): the finished spans of one trace, a list with a TTL. */
  trace(traceId: string): string {
    return `${this.prefix}:trace:${traceId}`;
  }

  /** Tracing: the recent trace ids, a sorted set scored by start time and capped. */
  traces(): string {
    return `${this.prefix}:traces`;
  }

  /** The registry: one key per live instance, expiring unless its heartbeat renews it. */
  instance(instanceId: string): string {
    return `${this.prefix}:registry:${instanceId}`;
  }

  /** SCAN pattern matching every instance key. */
  instancePattern(): string {
    return `${this.prefix}:registry:*`;
  }

  /** Configuration: what one instance runs with (masked), a key with a TTL its process renews. */
  configView(instanceId: string): string {
    return `${this.prefix}:config:view:${instanceId}`;
  }

  /** SCAN pattern matching every instance's configuration view. */
  configViewPattern(): string {
    return `${this.prefix}:config:view:*`;
  }

  /** Configuration: the pub/sub channel `npm run config:reload` asks every process on. */
  configReload(): string {
    return `${this.prefix}:config:reload`;
  }

  /** Configuration: the pub/sub channel each process answers a reload on. */
  configReloaded(): string {
    return `${this.prefix}:config:reloaded`;
  }

  /** A module's shared read cache: the prefix of its entries. */
  cache(module: string): string {
    return `${this.prefix}:cache:${module}:`;
  }
}
