import type Redis from 'ioredis';
import { isCluster, RedisConnection } from './redis.client-factory';

/**
 * Every key matching `pattern` (SCAN, never KEYS on a shared server). SCAN sees one server
 * only, so on a cluster each master is scanned in turn.
 */
export async function scanKeys(client: RedisConnection, pattern: string, count = 500): Promise<string[]> {
  const servers: Redis[] = isCluster(client) ? client.nodes('master') : [client];
  const found = new Set<string>();
  for (const server of servers) {
    let cursor = '0';
    do {
      const [next, keys] = await server.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      for (const key of keys) found.add(key);
    } while (cursor !== '0');
  }
  return [...found];
}

/**
 * The values of many keys, in their order. MGET would need them in one slot on a cluster;
 * single GETs on an auto-pipelining connection cost one round trip per node instead.
 */
export async function getValues(client: RedisConnection, keys: readonly string[]): Promise<(string | null)[]> {
  if (!keys.length) return [];
  if (!isCluster(client)) return client.mget(...keys);
  return Promise.all(keys.map((key) => client.get(key)));
}
