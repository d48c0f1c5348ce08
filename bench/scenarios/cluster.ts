import { createRedisConnection } from '@cleave/platform/redis';
import { Context, memoryOf, ProcessFigure } from '../lib/context';
import { ConcurrentRun, SequentialRun } from '../lib/load';
import { Child, cpuSeconds, startPeer } from '../lib/proc';
import { LatencyStats, ratio, summarize } from '../lib/stats';
import { deleteKeys } from '../../test/support/system-env';
import { startRedisCluster } from '../../test/support/redis-cluster';

export interface ClusterRow {
  id: 'single' | 'cluster';
  system: string;
  sequential: LatencyStats & { errors: number };
  throughput: { opsPerSec: number; calls: number; errors: number; latency: LatencyStats };
  /** CPU per call in the throughput phase, microseconds: caller, server, and Redis (every node of the cluster). */
  cpuPerCallUs: { client: number; server: number; redis: number };
  processes: ProcessFigure[];
  firstError?: string;
}

export interface ClusterScenario {
  rows: ClusterRow[];
  /** The cluster against one Redis: median latency and throughput ratios. */
  clusterVsSingle: { median: number; throughput: number };
}

/**
 * Scenario 9: the bus's echo round trip (as scenario 1's Cleave Redis row) on one Redis and
 * on a Redis Cluster of 3 masters and 3 replicas started for it on this machine; both up at
 * once, measured in alternating rounds. What a cluster costs a request: ioredis's slot
 * routing and a socket per node, and (the cluster here on the same 2 cores) six servers.
 */
export async function clusterScenario(ctx: Context): Promise<ClusterScenario> {
  const plan = ctx.plans.bus;
  ctx.log('cluster: starting a Redis Cluster (3 masters, 3 replicas)');
  const cluster = await startRedisCluster();
  const nodes = cluster.nodes.map((n) => createRedisConnection({ mode: 'single', url: `redis://127.0.0.1:${n.port}` }, { maxRetriesPerRequest: 1 }));
  const prefix = `cleave-bench-cluster-${ctx.runId}`;
  const setups = [
    { id: 'single' as const, system: 'Cleave, Redis transport, one Redis', env: { REDIS_URL: ctx.redisUrl } as Record<string, string> },
    { id: 'cluster' as const, system: 'Cleave, Redis transport, Redis Cluster (3 + 3)', env: { REDIS_URL: '', REDIS_CLUSTER_NODES: cluster.seeds } },
  ];
  const redisCpu = async (id: 'single' | 'cluster') => {
    const servers = id === 'single' ? [ctx.redis] : nodes;
    let total = 0;
    for (const server of servers) {
      const info = await server.info('cpu');
      total += ['used_cpu_user', 'used_cpu_sys'].reduce((sum, field) => sum + Number(new RegExp(`${field}:([\\d.]+)`).exec(info)?.[1] ?? NaN), 0);
    }
    return total;
  };
  const peers = new Map<string, { server: Child; client: Child }>();
  try {
    for (const setup of setups) {
      const env = { ...setup.env, CLEAVE_REDIS_PREFIX: `${prefix}-${setup.id}` };
      const server = await startPeer(`cluster ${setup.id} server`, 'cleave-bus', { ...env, BENCH_ROLE: 'server' });
      const client = await startPeer(`cluster ${setup.id} client`, 'cleave-bus', { ...env, BENCH_ROLE: 'client' });
      peers.set(setup.id, { server, client });
    }
    const call = <T>(id: string, cmd: string, args: unknown) => peers.get(id)!.client.call<T>(cmd, args, 300_000);
    for (const setup of setups) {
      await call(setup.id, 'sequential', { warmupCalls: plan.warmupCalls, calls: 0 });
      await call(setup.id, 'concurrent', { inFlight: plan.inFlight, warmupMs: plan.warmupMs, durationMs: 0 });
    }
    const sequential = new Map<string, SequentialRun[]>(setups.map((s) => [s.id, []]));
    const loaded = new Map<string, ConcurrentRun[]>(setups.map((s) => [s.id, []]));
    const cpu = new Map(setups.map((s) => [s.id, { client: 0, server: 0, redis: 0 }]));
    for (let round = 0; round < plan.rounds; round++) {
      ctx.log(`cluster: round ${round + 1}/${plan.rounds}`);
      for (const setup of round % 2 ? [...setups].reverse() : setups) {
        sequential.get(setup.id)!.push(await call(setup.id, 'sequential', { warmupCalls: 100, calls: Math.ceil(plan.sequentialCalls / plan.rounds) }));
        const { server, client } = peers.get(setup.id)!;
        const before = { client: cpuSeconds(client.pid), server: cpuSeconds(server.pid), redis: await redisCpu(setup.id) };
        loaded.get(setup.id)!.push(await call(setup.id, 'concurrent', { inFlight: plan.inFlight, warmupMs: 0, durationMs: plan.durationMs / plan.rounds }));
        const used = cpu.get(setup.id)!;
        used.client += cpuSeconds(client.pid) - before.client;
        used.server += cpuSeconds(server.pid) - before.server;
        used.redis += (await redisCpu(setup.id)) - before.redis;
      }
    }
    const rows: ClusterRow[] = setups.map((setup) => {
      const runs = loaded.get(setup.id)!;
      const calls = runs.reduce((a, r) => a + r.calls, 0);
      const elapsedMs = runs.reduce((a, r) => a + r.elapsedMs, 0);
      const used = cpu.get(setup.id)!;
      const perCall = (seconds: number) => (seconds / calls) * 1e6;
      const { server, client } = peers.get(setup.id)!;
      return {
        id: setup.id,
        system: setup.system,
        sequential: { ...summarize(sequential.get(setup.id)!.flatMap((r) => r.latencies)), errors: sequential.get(setup.id)!.reduce((a, r) => a + r.errors, 0) },
        throughput: { opsPerSec: (calls / elapsedMs) * 1000, calls, errors: runs.reduce((a, r) => a + r.errors, 0), latency: summarize(runs.flatMap((r) => r.latencies)) },
        cpuPerCallUs: { client: perCall(used.client), server: perCall(used.server), redis: perCall(used.redis) },
        processes: memoryOf([server, client]),
        firstError: [...sequential.get(setup.id)!, ...runs].find((r) => r.firstError)?.firstError,
      };
    });
    const [single, onCluster] = rows;
    return { rows, clusterVsSingle: { median: ratio(onCluster.sequential.median, single.sequential.median), throughput: ratio(onCluster.throughput.opsPerSec, single.throughput.opsPerSec) } };
  } finally {
    await Promise.all([...peers.values()].flatMap(({ server, client }) => [server.stop(), client.stop()]));
    await deleteKeys(ctx.redis, `${prefix}-single`);
    for (const node of nodes) node.disconnect();
    await cluster.stop();
  }
}
