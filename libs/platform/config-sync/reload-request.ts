import { randomUUID } from 'node:crypto';
import { RedisKeys, RedisConnection } from '@cleave/platform/redis';
import { readViews } from './config-views';
import { ReloadMessage, ReloadReply } from './reload-messages';

export interface ReloadResult {
  /** The instances that answered, with what each did. */
  replies: ReloadReply[];
  /** Instances that were running (they had published a view) and did not answer in time. */
  silent: string[];
}

/**
 * Asks every process of the system (or one) to reload, and waits for the answer of every
 * instance that was running when it asked, or the timeout.
 */
export async function requestReload(
  redis: RedisConnection,
  subscriber: RedisConnection,
  keys: RedisKeys,
  request: Omit<ReloadMessage, 'id'>,
  timeoutMs: number,
): Promise<ReloadResult> {
  const id = randomUUID();
  const expected = new Set((await readViews(redis, keys)).filter((v) => !request.process || v.process === request.process).map((v) => v.instanceId));
  const replies: ReloadReply[] = [];
  let done!: () => void;
  const finished = new Promise<void>((resolve) => (done = resolve));
  subscriber.on('message', (channel: string, raw: string) => {
    if (channel !== keys.configReloaded()) return;
    const reply = JSON.parse(raw) as ReloadReply;
    if (reply.id !== id) return;
    replies.push(reply);
    expected.delete(reply.instanceId);
    if (expected.size === 0) done();
  });
  await subscriber.subscribe(keys.configReloaded());
  const listeners = await redis.publish(keys.configReload(), JSON.stringify({ id, ...request } satisfies ReloadMessage));
  if (expected.size === 0 && listeners === 0) done();
  const timer = setTimeout(done, timeoutMs);
  await finished;
  clearTimeout(timer);
  return { replies, silent: [...expected] };
}
