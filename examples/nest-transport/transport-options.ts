import { CleaveTransportOptions } from '@cleave/platform/bus';

/**
 * The transport's options from the environment (a real app would use its own configuration):
 * where Redis is and the key prefix shared by the apps that talk to each other.
 */
export function transportOptions(app: string): CleaveTransportOptions {
  return {
    app,
    url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    prefix: process.env.CLEAVE_REDIS_PREFIX ?? 'example',
    ...(process.env.CLEAVE_EVENTS_CLAIM_IDLE_MS ? { eventClaimIdleMs: Number(process.env.CLEAVE_EVENTS_CLAIM_IDLE_MS) } : {}),
  };
}
