import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Cluster } from 'ioredis';
import { RedisClusterUnderTest, startRedisCluster } from '../../../test/support/redis-cluster';
import { createRedisConnection } from './redis.client-factory';

const run = promisify(execFile);
const cli = async (port: number, ...args: string[]) => (await run('redis-cli', ['-p', String(port), ...args])).stdout.trim();

/**
 * A real Redis Cluster (3 masters, 3 replicas on free ports): a slot moves to another master
 * behind the connection's back, as in a failover, and auto-pipelined commands keep coming.
 */
describe('createRedisConnection on a Redis Cluster', () => {
  let cluster: RedisClusterUnderTest;
  let connection: Cluster;

  beforeAll(async () => {
    cluster = await startRedisCluster();
    connection = createRedisConnection({ mode: 'cluster', nodes: cluster.nodes.map((n) => ({ host: '127.0.0.1', port: n.port })) }, { enableAutoPipelining: true }) as Cluster;
  }, 60_000);

  afterAll(async () => {
    connection?.disconnect();
    await cluster?.stop();
  });

  it('re-reads the slot map after a MOVED that an auto-pipeline mixing slots handed to its callers', async () => {
    // Two keys of different slots on one master, so one auto-pipeline carries both.
    const owner = await cluster.masterOf('moving');
    let staying = '';
    for (let i = 0; !staying; i++) {
      const key = `staying-${i}`;
      if ((await cluster.masterOf(key)).port === owner.port && (await cli(owner.port, 'CLUSTER', 'KEYSLOT', key)) !== (await cli(owner.port, 'CLUSTER', 'KEYSLOT', 'moving'))) staying = key;
    }
    await Promise.all([connection.get('moving'), connection.incr(staying)]);

    // The slot of 'moving' (empty: only read) goes to another master; every node is told.
    const slot = await cli(owner.port, 'CLUSTER', 'KEYSLOT', 'moving');
    const masters = await Promise.all(cluster.nodes.map(async (n) => ({ n, role: await cli(n.port, 'ROLE') })));
    const destination = masters.find(({ n, role }) => role.startsWith('master') && n.port !== owner.port)!.n;
    const destinationId = await cli(destination.port, 'CLUSTER', 'MYID');
    for (const node of [destination, owner, ...cluster.nodes.filter((n) => n !== destination && n !== owner)]) await cli(node.port, 'CLUSTER', 'SETSLOT', slot, 'NODE', destinationId);

    // A GET and a write in one tick: the write succeeds on the old master, so ioredis does not
    // follow the GET's MOVED. Before the fix the GET failed so for as long as the loop ran.
    const outcomes: string[] = [];
    for (let attempt = 0; attempt < 40; attempt++) {
      const [moved] = await Promise.allSettled([connection.get('moving'), connection.incr(staying)]);
      outcomes.push(moved.status === 'fulfilled' ? 'ok' : (moved.reason as Error).message.split(' ')[0]);
      if (moved.status === 'fulfilled') break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(outcomes[0]).toBe('MOVED');
    expect(outcomes.at(-1)).toBe('ok');
    expect(outcomes.length).toBeLessThanOrEqual(5);
  }, 30_000);
});
