import { readFileSync } from 'node:fs';
import { defineSettings, setting } from '@cleave/platform/config';
import { z } from 'zod';

/** A PEM file named by a setting, read once at start: its text, or the reason it is unusable. */
function pemFile(name: string, kind: 'CERTIFICATE' | 'PRIVATE KEY', doc: string) {
  const schema = z
    .string()
    .optional()
    .transform((path, ctx) => {
      if (path === undefined || path === '') return undefined;
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: `cannot be read from ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` });
        return z.NEVER;
      }
      if (!new RegExp(`-----BEGIN [A-Z ]*${kind}-----`).test(text)) {
        ctx.addIssue({ code: 'custom', message: `${path} holds no PEM ${kind.toLowerCase()} (-----BEGIN ...${kind}-----)` });
        return z.NEVER;
      }
      return text;
    });
  return setting.custom(name, schema, { doc });
}

/** Whether TLS is asked for: REDIS_TLS, or a single server's rediss:// URL. */
export function tlsRequested(values: { tls: boolean; url: string; clusterNodes?: unknown; sentinels?: unknown }): boolean {
  return values.tls || (!values.clusterNodes && !values.sentinels && values.url.startsWith('rediss:'));
}

/** `host:port,host:port`: a list of Redis addresses (cluster nodes or sentinels). */
function addresses(name: string, doc: string) {
  const schema = z
    .string()
    .optional()
    .transform((raw, ctx) => {
      if (raw === undefined || raw === '') return undefined;
      const parsed: { host: string; port: number }[] = [];
      for (const part of raw.split(',').map((p) => p.trim()).filter(Boolean)) {
        const match = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(part);
        const port = Number(match?.[2]);
        if (!match || port < 1 || port > 65535) {
          ctx.addIssue({ code: 'custom', message: `must be host:port pairs separated by commas, got ${JSON.stringify(part)}` });
          return z.NEVER;
        }
        parsed.push({ host: match[1].replace(/^\[|\]$/g, ''), port });
      }
      return parsed.length ? parsed : undefined;
    });
  return setting.custom(name, schema, { doc });
}

/**
 * Where the split system's Redis is (one of three ways: a single server, a Redis Cluster, or
 * a master found through Sentinel), and the prefix that keeps one system's keys apart.
 */
export class RedisSettings extends defineSettings(
  'redis',
  'Redis',
  {
    url: setting.url('REDIS_URL', {
      default: 'redis://127.0.0.1:6379',
      protocols: ['redis:', 'rediss:'],
      secret: 'url',
      doc: 'a single Redis server for the bus, span store, read caches and registry when the topology has several processes (unless REDIS_CLUSTER_NODES or REDIS_SENTINELS is set)',
    }),
    clusterNodes: addresses('REDIS_CLUSTER_NODES', 'a Redis Cluster instead: some of its nodes (host:port,host:port), from which the rest are discovered'),
    sentinels: addresses('REDIS_SENTINELS', 'a Redis master found through Sentinel instead: the sentinels (host:port,host:port), with REDIS_SENTINEL_NAME'),
    sentinelName: setting.optional('REDIS_SENTINEL_NAME', { doc: 'the master name the sentinels monitor (with REDIS_SENTINELS)' }),
    username: setting.optional('REDIS_USERNAME', { doc: 'this process\'s Redis ACL user (one per service in production), unless REDIS_URL names its own' }),
    password: setting.optional('REDIS_PASSWORD', { secret: 'value', doc: 'the password of REDIS_USERNAME (or of the default user), unless REDIS_URL carries its own; from a Secret in production' }),
    sentinelPassword: setting.optional('REDIS_SENTINEL_PASSWORD', { secret: 'value', doc: 'password of the sentinels themselves, when they require one' }),
    tls: setting.boolean('REDIS_TLS', { default: false, doc: 'TLS to Redis (the cluster nodes, the Sentinel-managed servers but not the sentinels themselves, or REDIS_URL, which also says it with rediss://); certificates are checked against the address connected to, a node\'s IP on a cluster or behind Sentinel' }),
    tlsCa: pemFile('REDIS_TLS_CA_FILE', 'CERTIFICATE', 'PEM file of the CA that signed Redis\'s certificate (default: the system\'s trusted CAs); with TLS on'),
    tlsCert: pemFile('REDIS_TLS_CERT_FILE', 'CERTIFICATE', 'PEM client certificate, when Redis requires one (tls-auth-clients yes), with REDIS_TLS_KEY_FILE'),
    tlsKey: pemFile('REDIS_TLS_KEY_FILE', 'PRIVATE KEY', 'PEM private key of REDIS_TLS_CERT_FILE'),
    replicasToAck: setting.int('REDIS_EVENT_REPLICAS', {
      default: (context) => (context.env.REDIS_CLUSTER_NODES || context.env.REDIS_SENTINELS ? 1 : 0),
      defaultDoc: '1 with REDIS_CLUSTER_NODES or REDIS_SENTINELS, else 0',
      max: 16,
      doc: 'replicas that must hold a published event before its publish counts (WAIT), so a failover cannot lose it; the outbox retries a publish that fell short',
    }),
    prefix: setting.string('CLEAVE_REDIS_PREFIX', {
      default: 'cleave',
      pattern: /^[A-Za-z0-9_.-]+$/,
      expected: 'letters, digits, dots, dashes or underscores',
      doc: 'prefix of every Redis key and channel (so systems sharing a Redis stay apart)',
    }),
  },
  (values, context) => {
    const problems: string[] = [];
    if (values.clusterNodes && values.sentinels) problems.push('REDIS_CLUSTER_NODES and REDIS_SENTINELS are both set: Redis is reached one way, set one of them');
    if ((values.clusterNodes || values.sentinels) && context.env.REDIS_URL !== undefined && context.env.REDIS_URL !== '') {
      problems.push(`REDIS_URL is set beside ${values.clusterNodes ? 'REDIS_CLUSTER_NODES' : 'REDIS_SENTINELS'}: Redis is reached one way, unset REDIS_URL`);
    }
    if (values.sentinels && !values.sentinelName) problems.push('REDIS_SENTINELS needs REDIS_SENTINEL_NAME: the master name the sentinels monitor');
    if (!values.sentinels && values.sentinelName) problems.push('REDIS_SENTINEL_NAME is set without REDIS_SENTINELS');
    if (!values.tlsCert !== !values.tlsKey) problems.push('REDIS_TLS_CERT_FILE and REDIS_TLS_KEY_FILE go together: a client certificate needs its key');
    if ((values.tlsCa || values.tlsCert) && !tlsRequested(values)) problems.push('REDIS_TLS_CA_FILE or REDIS_TLS_CERT_FILE is set but TLS is off: set REDIS_TLS=true or use a rediss:// REDIS_URL');
    return problems;
  },
) {}
