import { maskUrlPassword } from '@cleave/platform/config';
import { RedisSettings, tlsRequested } from './redis.settings';

export interface RedisAddress {
  host: string;
  port: number;
}

/** TLS to Redis: the CA to trust (else the system's), and a client certificate if Redis asks for one. PEM text. */
export interface RedisTls {
  ca?: string;
  cert?: string;
  key?: string;
}

/** Credentials and TLS for the servers (a URL's own user, password and rediss:// come first). */
export interface RedisAuth {
  username?: string;
  password?: string;
  /** `true`: TLS trusting the system's CAs. */
  tls?: boolean | RedisTls;
}

/** How this system reaches Redis: one server, a Redis Cluster, or a master found through Sentinel. */
export type RedisTarget =
  | ({ mode: 'single'; url: string } & RedisAuth)
  | ({ mode: 'cluster'; nodes: RedisAddress[] } & RedisAuth)
  | ({ mode: 'sentinel'; sentinels: RedisAddress[]; name: string; sentinelPassword?: string } & RedisAuth);

/** The target the settings describe (they were validated to name exactly one). */
export function redisTarget(
  settings: Pick<RedisSettings, 'url' | 'clusterNodes' | 'sentinels' | 'sentinelName' | 'username' | 'password' | 'sentinelPassword' | 'tls' | 'tlsCa' | 'tlsCert' | 'tlsKey'>,
): RedisTarget {
  const files: RedisTls = {
    ...(settings.tlsCa ? { ca: settings.tlsCa } : {}),
    ...(settings.tlsCert ? { cert: settings.tlsCert } : {}),
    ...(settings.tlsKey ? { key: settings.tlsKey } : {}),
  };
  const auth: RedisAuth = {
    ...(settings.username ? { username: settings.username } : {}),
    ...(settings.password ? { password: settings.password } : {}),
    ...(tlsRequested(settings) ? { tls: Object.keys(files).length ? files : true } : {}),
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
  return { mode: 'single', url: settings.url, ...auth };
}

/** The target for logs: where, never a password. */
export function describeTarget(target: RedisTarget): string {
  const list = (addresses: RedisAddress[]) => addresses.map((a) => `${a.host}:${a.port}`).join(',');
  if (target.mode === 'cluster') return `Redis Cluster ${list(target.nodes)}`;
  if (target.mode === 'sentinel') return `Redis master "${target.name}" through sentinels ${list(target.sentinels)}`;
  return `Redis at ${maskUrlPassword(target.url)}`;
}
