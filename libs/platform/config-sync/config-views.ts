import { ConfigView } from '@cleave/platform/config';
import { getValues, RedisConnection, RedisKeys, scanKeys } from '@cleave/platform/redis';

/** What one instance runs with, as GET /config shows it (secrets masked). */
export interface InstanceConfigView extends ConfigView {
  instanceId: string;
  process: string;
  host: string;
  pid: number;
  startedAt: string;
  /** When this view was last written (each reload, and every heartbeat). */
  updatedAt: string;
}

/** Where instances publish their configuration views: memory in one process, Redis split. */
export abstract class ConfigViews {
  abstract publish(view: InstanceConfigView): Promise<void>;
  abstract withdraw(instanceId: string): Promise<void>;
  /** Every live instance's view. */
  abstract all(): Promise<InstanceConfigView[]>;
}

/** One process: its own view, read when asked, so it is never stale. */
export class MemoryConfigViews extends ConfigViews {
  constructor(private readonly current: () => InstanceConfigView) {
    super();
  }

  async publish(): Promise<void> {}

  async withdraw(): Promise<void> {}

  async all(): Promise<InstanceConfigView[]> {
    return [this.current()];
  }
}

/**
 * A key per instance with a TTL, rewritten after each reload and renewed every heartbeat:
 * the view of an instance that died goes with its key, as its registry entry does.
 */
export class RedisConfigViews extends ConfigViews {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keys: RedisKeys,
    private readonly ttlMs: number,
  ) {
    super();
  }

  async publish(view: InstanceConfigView): Promise<void> {
    await this.redis.set(this.keys.configView(view.instanceId), JSON.stringify(view), 'PX', this.ttlMs);
  }

  async withdraw(instanceId: string): Promise<void> {
    await this.redis.del(this.keys.configView(instanceId));
  }

  async all(): Promise<InstanceConfigView[]> {
    return readViews(this.redis, this.keys);
  }
}

/** Every view under the prefix (SCAN, never KEYS on a shared server). */
export async function readViews(redis: RedisConnection, keys: RedisKeys): Promise<InstanceConfigView[]> {
  const values = await getValues(redis, await scanKeys(redis, keys.configViewPattern()));
  return values.filter((v): v is string => v !== null).map((v) => JSON.parse(v) as InstanceConfigView);
}
