import type { RedisSettings } from './redis.settings';

export interface RedisAddress {
  host: string;
  port: number;
}

/** Credentials and TLS for servers a cluster or the sentinels point at (a URL carries its own). */
export interface RedisAuth {
  username?: string;
  password?: string;
  tls?: boolean;
}

/** How this system reaches Redis: one server, a Redis Cluster, or a master found through Sentinel. */
export type RedisTarget =
  | { mode: 'single'; url: string }
  | ({ mode: 'cluster'; nodes: RedisAddress[] } & RedisAuth)
  | ({ mode: 'sentinel'; sentinels: RedisAddress[]; name: string; sentinelPassword?: string } & RedisAuth);

/** The target the settings describe (they were validated to name exactly one). */
export function redisTarget(settings: Pick<RedisSettings, 'url' | 'clusterNodes' | 'sentinels' | 'sentinelName' | 'username' | 'password' | 'sentinelPassword' | 'tls'>): RedisTarget {
  const auth: RedisAuth = {
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.password ? { password: settings.password } : {}),
    ...(settings.tls ? { tls: true } : {}),
  };
  if (settings.clusterNodes) return { mode: 'cluster', nodes: settings.clusterNodes, ...auth };
  if (settings.sentinels) {
    return {
      mode: 'sentinel',
      sentinels: settings.sentinels,
      name: settings.sentinelName ?? '',
      ...(settings.sentinelPassword ? { sentinelPassword: settings.sentinelPassword } : {}),
      ...auth,
    };
  }
  return { mode: 'single', url: settings.url };
}

/** The target for logs: where, never a password. */
export function describeTarget(target: RedisTarget): string {
  const list = (addresses: RedisAddress[]) => addresses.map((a) => `${a.host}:${a.port}`).join(',');
  if (target.mode === 'cluster') return `Redis Cluster ${list(target.nodes)}`;
  if (target.mode === 'sentinel') return `Redis master "${target.name}" through sentinels ${list(target.sentinels)}`;
  return `Redis at ${target.url.replace(/\/\/([^@/]*)@/, '//***@')}`;
}
