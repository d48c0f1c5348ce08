/**
 * Every Redis key Cleave uses, under one prefix (so test runs and tenants stay apart, and an
 * ACL can grant `~<prefix>:*`).
 *
 * Redis Cluster: keys one command, script or MULTI touches together carry the same hash tag
 * (the `{...}` part decides the slot), and nothing else shares it, so the load spreads:
 * - `<prefix>:{req:<module>}` a module's request queue, and whatever list its instances move
 *   requests into while working on them (`processing`);
 * - `<prefix>:{evt:<event>}` an event's stream, with its dead letters (`...:dlq`) and the
 *   errors on record per subscribing module (`...:failures:<module>`);
 * - a blocked reader's wake key (`...:wake:<instance>`) carries the tag of the first key it reads;
 * - every other key is alone in what a command touches (a trace, an instance, a cache entry)
 *   and has no tag: it lands wherever it hashes.
 * Pub/sub channels are not keys; a cluster forwards them to every node.
 */
export class RedisKeys {
  constructor(readonly prefix: string) {}

  /** A list per module: requests waiting for any instance of it. */
  requests(module: string): string {
    return `${this.prefix}:{req:${name(module)}}`;
  }

  /** A list per module and instance: the requests it took and has not finished (same slot as the queue). */
  processing(module: string, instanceId: string): string {
    return `${this.requests(module)}:processing:${instanceId}`;
  }

  /**
   * Written only when an instance stops: the key a reader blocked on `key` (and the keys of
   * its slot) also waits on, so a stop ends its long block at once. Same slot as `key`.
   */
  wake(key: string, instanceId: string): string {
    return `${key}:wake:${instanceId}`;
  }

  /**
   * A list per app: requests for the plain Nest patterns it serves (an app's name cannot
   * clash with a module's: it is marked with an @).
   */
  appRequests(app: string): string {
    return this.requests(`@${app}`);
  }

  /** Never written: readiness reads it to prove this process may use the prefix's keys. */
  readinessProbe(): string {
    return `${this.prefix}:readiness`;
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
    return `${this.prefix}:{evt:${name(event)}}`;
  }

  /** Events a subscriber failed too many times, kept for inspection and replay (same slot as the stream). */
  deadLetters(event: string): string {
    return `${this.events(event)}:dlq`;
  }

  /** SCAN pattern matching every dead-letter stream. */
  deadLetterPattern(): string {
    return `${this.prefix}:{evt:*}:dlq`;
  }

  /** The event a dead-letter stream key holds, or undefined for another key. */
  deadLetterEvent(key: string): string | undefined {
    const head = `${this.prefix}:{evt:`;
    const tail = '}:dlq';
    return key.startsWith(head) && key.endsWith(tail) ? key.slice(head.length, -tail.length) : undefined;
  }

  /**
   * A hash per event and subscribing module: the first and the last error of each entry its
   * handler failed, until the entry succeeds or is dead-lettered with them.
   */
  deliveryFailures(event: string, group: string): string {
    return `${this.events(event)}:failures:${group}`;
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

  /**
   * The registry's index: a sorted set of instance ids scored by when their key expires, so
   * listing the live instances reads a few keys instead of SCANning the whole keyspace.
   */
  instanceIndex(): string {
    return `${this.prefix}:registry-index`;
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

/** A module or event name inside a hash tag: a brace would end the tag early. */
function name(value: string): string {
  if (/[{}]/.test(value)) throw new Error(`A Redis key name may not hold braces: ${JSON.stringify(value)}`);
  return value;
}

/** What decides a key's cluster slot: its first non-empty `{...}`, else the whole key. */
export function hashTag(key: string): string {
  const open = key.indexOf('{');
  if (open < 0) return key;
  const close = key.indexOf('}', open + 1);
  return close > open + 1 ? key.slice(open + 1, close) : key;
}

/**
 * Keys grouped so each group may go in one multi-key command (XREADGROUP, BLMPOP) on a
 * cluster: by hash tag. On one server any keys may go together: one group.
 */
export function sameSlotGroups(keys: readonly string[], clustered: boolean): string[][] {
  if (!clustered) return keys.length ? [[...keys]] : [];
  const groups = new Map<string, string[]>();
  for (const key of keys) groups.set(hashTag(key), [...(groups.get(hashTag(key)) ?? []), key]);
  return [...groups.values()];
}
