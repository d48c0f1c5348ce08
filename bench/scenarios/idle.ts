import { Context, sum } from '../lib/context';
import { cpuSeconds, cpuSecondsOf, readPrivateMemory, sleep } from '../lib/proc';
import { CleaveSystem, redisCpuSeconds } from '../lib/system';

export interface IdleRow {
  system: 'monolith' | 'split';
  processes: number;
  /** CPU per second of wall time while nothing happens, ms/s: all the system's processes, and Redis + PostgreSQL. */
  appMsPerSec: number;
  servicesMsPerSec: number;
  perProcess: { role: string; msPerSec: number; rssMB: number; anonMB?: number; pssMB?: number }[];
}

export interface IdleScenario {
  rows: IdleRow[];
}

/**
 * Scenario 8, what a system costs doing nothing: started, settled for `settleSec` after its
 * last instance is ready, then its processes' CPU (from /proc) and Redis's and PostgreSQL's
 * over `durationSec` with no request at all. Heartbeats, claims, outbox polls, recovery and
 * lag reads are all that runs. The settling is long because V8 goes on working for some
 * seconds after a process has loaded its code (measured: a bare `node -e` that requires
 * ioredis spends 3.8 ms/s in its first 10 s, 0.06 ms/s from 15 s on), and V8's memory reducer
 * shrinks a heap that grew at start with a full collection some time in the first minute: that
 * is start-up, not idling.
 */
export async function idleScenario(ctx: Context): Promise<IdleScenario> {
  const plan = ctx.plans.idle;
  const rows: IdleRow[] = [];
  for (const topology of ['monolith', 'split'] as const) {
    ctx.log(`idle: ${topology}, ${plan.durationSec} s with no traffic`);
    const system = await CleaveSystem.start(topology, ctx.redisUrl, { database: ctx.splitDatabase });
    try {
      await sleep(plan.settleSec * 1000);
      const services = async () => (await redisCpuSeconds(ctx)) + cpuSecondsOf('postgres');
      const before = { each: system.instances.map((c) => cpuSeconds(c.pid)), services: await services(), at: performance.now() };
      await sleep(plan.durationSec * 1000);
      const after = { each: system.instances.map((c) => cpuSeconds(c.pid)), services: await services(), at: performance.now() };
      const seconds = (after.at - before.at) / 1000;
      const perProcess = system.instances.map((c, i) => ({ role: c.name, msPerSec: ((after.each[i] - before.each[i]) * 1000) / seconds, rssMB: c.memory().rssMB, ...readPrivateMemory(c.pid) }));
      rows.push({
        system: topology,
        processes: system.instances.length,
        appMsPerSec: sum(perProcess.map((p) => p.msPerSec)),
        servicesMsPerSec: ((after.services - before.services) * 1000) / seconds,
        perProcess,
      });
    } finally {
      await system.stop(ctx.redis);
    }
  }
  return { rows };
}
