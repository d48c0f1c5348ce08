import { Context, memoryOf, ProcessFigure } from '../lib/context';
import { ConcurrentRun, SequentialRun } from '../lib/load';
import { Child, cpuSeconds, startPeer } from '../lib/proc';
import { LatencyStats, ratio, summarize } from '../lib/stats';
import { deleteKeys } from '../../test/support/system-env';
import { redisCpuSeconds } from '../lib/system';

export interface BusFigures {
  sequential: LatencyStats & { errors: number };
  throughput: { opsPerSec: number; calls: number; errors: number; elapsedMs: number; inFlight: number; latency: LatencyStats };
  firstError?: string;
}

export interface BusRow extends BusFigures {
  id: string;
  system: string;
  processes: ProcessFigure[];
  /**
   * CPU time per call in the throughput phase, microseconds: the calling process, the
   * answering one (0 in-process) and Redis. On 2 cores, their sum bounds throughput.
   */
  cpuPerCallUs?: { client: number; server: number; redis: number };
  /** Against the floor (the better raw ioredis variant for each figure): median latency and throughput ratios. */
  vsFloor?: { median: number; throughput: number };
}

export interface BusScenario {
  rows: BusRow[];
  /** The floor of each figure: the better of the two raw ioredis variants. */
  floor: { median: number; medianOf: string; throughput: number; throughputOf: string };
  /** Cleave in-process median minus a direct method call's median, microseconds. */
  inProcessOverheadUs: number;
  /** The same from the throughput phases: 1/throughput difference, microseconds per call. */
  inProcessOverheadUsUnderLoad: number;
  /** Cleave Redis throughput over NestJS's built-in Redis transport's. */
  cleaveRedisVsNestThroughput: number;
}

interface Setup {
  id: string;
  system: string;
  script: string;
  /** Role env of a separate server process, when the system has one. */
  server?: Record<string, string>;
  client: Record<string, string>;
  /** Command prefix in the client peer (the direct call lives in the in-process peer). */
  prefix?: string;
  /** Shares the client process of another setup. */
  sharesWith?: string;
}

const SETUPS: Setup[] = [
  // The floor, twice: auto-pipelining (one write per event-loop turn) wins on throughput, and
  // its setImmediate deferral costs sequential calls some tens of microseconds.
  {
    id: 'floor-plain',
    system: 'raw ioredis pub/sub, plain (floor)',
    script: 'raw-redis',
    server: { BENCH_ROLE: 'server', BENCH_FLOOR_AUTOPIPELINE: '0' },
    client: { BENCH_ROLE: 'client', BENCH_FLOOR_AUTOPIPELINE: '0' },
  },
  {
    id: 'floor-pipelined',
    system: 'raw ioredis pub/sub, auto-pipelined (floor)',
    script: 'raw-redis',
    server: { BENCH_ROLE: 'server', BENCH_FLOOR_AUTOPIPELINE: '1' },
    client: { BENCH_ROLE: 'client', BENCH_FLOOR_AUTOPIPELINE: '1' },
  },
  { id: 'cleave-redis', system: 'Cleave, Redis transport', script: 'cleave-bus', server: { BENCH_ROLE: 'server' }, client: { BENCH_ROLE: 'client' } },
  { id: 'cleave-nest', system: 'plain Nest controller on Cleave transport (CleaveServer/CleaveClient)', script: 'cleave-nest', server: { BENCH_ROLE: 'server' }, client: { BENCH_ROLE: 'client' } },
  { id: 'nest-redis', system: 'NestJS Transport.REDIS', script: 'nest-redis', server: { BENCH_ROLE: 'server' }, client: { BENCH_ROLE: 'client' } },
  { id: 'moleculer', system: 'Moleculer 0.14, Redis transporter', script: 'moleculer', server: { BENCH_ROLE: 'server' }, client: { BENCH_ROLE: 'client' } },
  { id: 'cleave-inproc', system: 'Cleave, in-process', script: 'cleave-bus', client: { BENCH_ROLE: 'inproc' } },
  { id: 'direct', system: 'direct method call (baseline)', script: 'cleave-bus', client: {}, prefix: 'direct.', sharesWith: 'cleave-inproc' },
];

/**
 * Scenario 1: echo round trips. Every system is started at once (idle ones cost next to
 * nothing) and the measurements alternate between systems in rounds, rotating who goes
 * first, so a slow spell of the machine lands on all of them rather than on one.
 */
export async function busScenario(ctx: Context): Promise<BusScenario> {
  const plan = ctx.plans.bus;
  const prefix = `cleave-bench-bus-${ctx.runId}`;
  // Channels, keys and namespaces apart per system: no server may answer another's calls.
  const envOf = (setup: Setup) => ({
    REDIS_URL: ctx.redisUrl,
    CLEAVE_REDIS_PREFIX: `${prefix}-${setup.id}`,
    BENCH_CHANNEL_PREFIX: `bench-${ctx.runId}-${setup.id}:`,
    BENCH_NAMESPACE: `bench-${ctx.runId}-${setup.id}`,
  });
  const children = new Map<string, Child[]>();
  const clients = new Map<string, Child>();
  try {
    ctx.log(`bus: starting ${SETUPS.filter((s) => !s.sharesWith).length} systems`);
    for (const setup of SETUPS) {
      if (setup.sharesWith) {
        clients.set(setup.id, clients.get(setup.sharesWith)!);
        children.set(setup.id, children.get(setup.sharesWith)!);
        continue;
      }
      const own: Child[] = [];
      if (setup.server) own.push(await startPeer(`${setup.id} server`, setup.script, { ...envOf(setup), ...setup.server }));
      const client = await startPeer(setup.server ? `${setup.id} client` : setup.id, setup.script, { ...envOf(setup), ...setup.client });
      own.push(client);
      children.set(setup.id, own);
      clients.set(setup.id, client);
    }
    const call = <T>(setup: Setup, cmd: string, args: unknown) => clients.get(setup.id)!.call<T>(`${setup.prefix ?? ''}${cmd}`, args, 300_000);

    ctx.log('bus: warming up every system');
    for (const setup of SETUPS) {
      await call(setup, 'sequential', { warmupCalls: plan.warmupCalls, calls: 0 });
      await call(setup, 'concurrent', { inFlight: plan.inFlight, warmupMs: plan.warmupMs, durationMs: 0 });
    }

    const sequential = new Map<string, SequentialRun[]>(SETUPS.map((s) => [s.id, []]));
    const loaded = new Map<string, ConcurrentRun[]>(SETUPS.map((s) => [s.id, []]));
    const roundWarmupCalls = Math.ceil(plan.warmupCalls / plan.rounds / 4);
    const roundWarmupMs = Math.ceil(plan.warmupMs / plan.rounds);
    for (let round = 0; round < plan.rounds; round++) {
      ctx.log(`bus: sequential round ${round + 1}/${plan.rounds}`);
      for (const setup of rotate(SETUPS, round)) {
        sequential.get(setup.id)!.push(await call(setup, 'sequential', { warmupCalls: roundWarmupCalls, calls: Math.ceil(plan.sequentialCalls / plan.rounds) }));
      }
    }
    // CPU seconds each process (and Redis) spent in the measured windows, to tell what bounds throughput.
    const cpu = new Map<string, { client: number; server: number; redis: number }>(SETUPS.map((s) => [s.id, { client: 0, server: 0, redis: 0 }]));
    for (let round = 0; round < plan.rounds; round++) {
      ctx.log(`bus: ${plan.inFlight} in flight, round ${round + 1}/${plan.rounds}`);
      for (const setup of rotate(SETUPS, round)) {
        const [server, client] = setup.server ? children.get(setup.id)! : [undefined, clients.get(setup.id)!];
        await call(setup, 'concurrent', { inFlight: plan.inFlight, warmupMs: roundWarmupMs, durationMs: 0 });
        const before = { client: cpuSeconds(client.pid), server: server ? cpuSeconds(server.pid) : 0, redis: await redisCpuSeconds(ctx) };
        loaded.get(setup.id)!.push(await call(setup, 'concurrent', { inFlight: plan.inFlight, warmupMs: 0, durationMs: plan.durationMs / plan.rounds }));
        const used = cpu.get(setup.id)!;
        used.client += cpuSeconds(client.pid) - before.client;
        used.server += server ? cpuSeconds(server.pid) - before.server : 0;
        used.redis += (await redisCpuSeconds(ctx)) - before.redis;
      }
    }

    const rows: BusRow[] = SETUPS.map((setup) => ({
      id: setup.id,
      system: setup.system,
      ...pool(sequential.get(setup.id)!, loaded.get(setup.id)!, plan.inFlight),
      processes: memoryOf(children.get(setup.id)!),
    }));
    for (const row of rows) {
      const used = cpu.get(row.id)!;
      const perCall = (seconds: number) => (seconds / row.throughput.calls) * 1e6;
      row.cpuPerCallUs = { client: perCall(used.client), server: perCall(used.server), redis: perCall(used.redis) };
    }
    const byId = (id: string) => rows.find((r) => r.id === id)!;
    // Per figure, the better of the two raw variants.
    const floors = [byId('floor-plain'), byId('floor-pipelined')];
    const latencyFloor = floors.reduce((a, b) => (b.sequential.median < a.sequential.median ? b : a));
    const throughputFloor = floors.reduce((a, b) => (b.throughput.opsPerSec > a.throughput.opsPerSec ? b : a));
    for (const row of rows) {
      if (row.id === 'direct' || row.id === 'cleave-inproc') continue;
      row.vsFloor = {
        median: ratio(row.sequential.median, latencyFloor.sequential.median),
        throughput: ratio(row.throughput.opsPerSec, throughputFloor.throughput.opsPerSec),
      };
    }
    const inproc = byId('cleave-inproc');
    const direct = byId('direct');
    return {
      rows,
      floor: {
        median: latencyFloor.sequential.median,
        medianOf: latencyFloor.system,
        throughput: throughputFloor.throughput.opsPerSec,
        throughputOf: throughputFloor.system,
      },
      inProcessOverheadUs: (inproc.sequential.median - direct.sequential.median) * 1000,
      inProcessOverheadUsUnderLoad: 1e6 / inproc.throughput.opsPerSec - 1e6 / direct.throughput.opsPerSec,
      cleaveRedisVsNestThroughput: ratio(byId('cleave-redis').throughput.opsPerSec, byId('nest-redis').throughput.opsPerSec),
    };
  } finally {
    await Promise.all([...new Set([...children.values()].flat())].map((c) => c.stop()));
    for (const setup of SETUPS) await deleteKeys(ctx.redis, `${prefix}-${setup.id}`);
  }
}

function rotate<T>(items: T[], by: number): T[] {
  const k = by % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** All rounds of one system as one sample: latencies pooled, throughput = calls / time. */
function pool(sequential: SequentialRun[], loaded: ConcurrentRun[], inFlight: number): BusFigures {
  const calls = loaded.reduce((a, r) => a + r.calls, 0);
  const elapsedMs = loaded.reduce((a, r) => a + r.elapsedMs, 0);
  return {
    sequential: { ...summarize(sequential.flatMap((r) => r.latencies)), errors: sequential.reduce((a, r) => a + r.errors, 0) },
    throughput: {
      opsPerSec: (calls / elapsedMs) * 1000,
      calls,
      errors: loaded.reduce((a, r) => a + r.errors, 0),
      elapsedMs,
      inFlight,
      latency: summarize(loaded.flatMap((r) => r.latencies)),
    },
    firstError: [...sequential, ...loaded].find((r) => r.firstError)?.firstError,
  };
}
