import { Context, memoryOf, ProcessFigure } from '../lib/context';
import { EmitPlan, EmitResult } from '../lib/load';
import { Child, sleep, startPeer } from '../lib/proc';
import { LatencyStats, ratio, summarize } from '../lib/stats';
import { deleteKeys } from '../../test/support/system-env';
import { RedisKeys } from '@cleave/platform/redis';

interface Taken {
  handled: number;
  ns: number[];
  latencies: number[];
  first: number;
  last: number;
}

export interface PhaseFigures {
  emitted: number;
  emitErrors: number;
  /** Distinct events handled by the subscribing module (any instance). */
  delivered: number;
  /** Handlings beyond the first of an event (fan-out to every instance, redeliveries). */
  duplicates: number;
  /** Events emitted but never handled within the drain timeout. */
  lost: number;
  /** Cleave only: stream entries still unacknowledged after the drain. */
  unacked?: number;
  /** Distinct events delivered per second, first emit to last handling. */
  deliveredPerSec: number;
  /** Emits acknowledged by the transport per second. */
  emittedPerSec: number;
  latency: LatencyStats;
  firstError?: string;
}

export interface EventsRow {
  id: string;
  system: string;
  consumers: number;
  paced: PhaseFigures;
  load: PhaseFigures;
  processes: ProcessFigure[];
  /** Cleave rows: delivered/s over NestJS's with the same number of consumers. */
  vsNest?: number;
}

export interface EventsScenario {
  rows: EventsRow[];
}

interface System {
  id: 'cleave' | 'nest';
  system: string;
  script: string;
  /** Each consumer instance receives every event (pub/sub) rather than a share (consumer group). */
  fanOut: boolean;
  prefix: string;
  env: Record<string, string>;
  consumers: Child[];
  producer?: Child;
}

/**
 * Scenario 2: events from emit to the handler, Cleave's durable events (a Redis stream, a
 * consumer group per subscribing module) vs NestJS's built-in Redis pub/sub events. Both
 * systems are up at once and measured in alternating rounds, first with one consumer
 * instance each, then with a second one started. A paced phase gives latency; a flat-out
 * phase (then the delivery of everything it sent) gives throughput.
 */
export async function eventsScenario(ctx: Context): Promise<EventsScenario> {
  const plan = ctx.plans.events;
  const systems: System[] = (
    [
      { id: 'cleave', system: 'Cleave durable events (stream + group)', script: 'cleave-bus', fanOut: false },
      { id: 'nest', system: 'NestJS Transport.REDIS events (pub/sub)', script: 'nest-redis', fanOut: true },
    ] as const
  ).map((s) => {
    const prefix = `cleave-bench-evt-${ctx.runId}-${s.id}`;
    return { ...s, prefix, env: { REDIS_URL: ctx.redisUrl, CLEAVE_REDIS_PREFIX: prefix, BENCH_CHANNEL_PREFIX: `bench-${ctx.runId}-${s.id}:` }, consumers: [] };
  });
  const all = () => systems.flatMap((s) => [...s.consumers, ...(s.producer ? [s.producer] : [])]);
  const rows: EventsRow[] = [];
  let phaseNo = 0;

  const phase = async (system: System, emitPlan: Omit<EmitPlan, 'phase'>): Promise<{ emitted: EmitResult; taken: Taken[]; unacked?: number }> => {
    const name = `p${++phaseNo}`;
    const emitted = await system.producer!.call<EmitResult>('emit', { ...emitPlan, phase: name }, 300_000);
    const expected = system.fanOut ? emitted.emitted * system.consumers.length : emitted.emitted;
    const deadline = Date.now() + plan.drainTimeoutMs;
    for (;;) {
      const counts = await Promise.all(system.consumers.map((c) => c.call<number>('count', { phase: name })));
      if (counts.reduce((a, b) => a + b, 0) >= expected || Date.now() > deadline) break;
      await sleep(50);
    }
    const taken = await Promise.all(system.consumers.map((c) => c.call<Taken>('take', { phase: name })));
    let unacked: number | undefined;
    if (system.id === 'cleave') {
      await sleep(100);
      const pending = (await ctx.redis.xpending(new RedisKeys(system.prefix).events('bench.happened'), 'sink').catch(() => [NaN])) as [number];
      unacked = Number(pending[0]);
    }
    return { emitted, taken, unacked };
  };

  try {
    for (const consumers of [1, 2]) {
      for (const system of systems) {
        while (system.consumers.length < consumers) {
          const n = system.consumers.length + 1;
          system.consumers.push(await startPeer(`${system.id} consumer ${n}`, system.script, { ...system.env, BENCH_ROLE: 'consumer' }));
        }
        system.producer ??= await startPeer(`${system.id} producer`, system.script, { ...system.env, BENCH_ROLE: 'client' });
      }
      ctx.log(`events: ${consumers} consumer(s) each, warming up`);
      for (const system of systems) await phase(system, { count: plan.warmupEvents, inFlight: plan.inFlight, intervalMs: 0 });
      const paced = new Map<System, Awaited<ReturnType<typeof phase>>[]>(systems.map((s) => [s, []]));
      const load = new Map<System, Awaited<ReturnType<typeof phase>>[]>(systems.map((s) => [s, []]));
      for (let round = 0; round < plan.rounds; round++) {
        ctx.log(`events: ${consumers} consumer(s) each, round ${round + 1}/${plan.rounds}`);
        for (const system of round % 2 ? [...systems].reverse() : systems) {
          paced.get(system)!.push(await phase(system, { count: Math.ceil(plan.latencyEvents / plan.rounds), inFlight: 1, intervalMs: plan.latencyIntervalMs }));
          load.get(system)!.push(await phase(system, { durationMs: plan.durationMs / plan.rounds, inFlight: plan.inFlight, intervalMs: 0 }));
        }
      }
      for (const system of systems) {
        rows.push({
          id: `${system.id}-${consumers}`,
          system: system.system,
          consumers,
          paced: figures(paced.get(system)!),
          load: figures(load.get(system)!),
          processes: memoryOf([...system.consumers, system.producer!]),
        });
      }
    }
  } finally {
    await Promise.all(all().map((c) => c.stop()));
    for (const system of systems) await deleteKeys(ctx.redis, system.prefix);
  }
  for (const row of rows) {
    if (!row.id.startsWith('cleave')) continue;
    const nest = rows.find((r) => r.id.startsWith('nest') && r.consumers === row.consumers);
    if (nest) row.vsNest = ratio(row.load.deliveredPerSec, nest.load.deliveredPerSec);
  }
  return { rows };
}

/** Rounds of one phase kind as one sample: latencies pooled, rates over the summed time. */
function figures(runs: { emitted: EmitResult; taken: Taken[]; unacked?: number }[]): PhaseFigures {
  let emitted = 0;
  let emitErrors = 0;
  let delivered = 0;
  let handled = 0;
  let deliveryMs = 0;
  let emitMs = 0;
  let unacked: number | undefined;
  const latencies: number[] = [];
  for (const { emitted: e, taken, unacked: u } of runs) {
    const seen = new Set<number>();
    let last = -Infinity;
    for (const t of taken) {
      handled += t.handled;
      for (const n of t.ns) seen.add(n);
      for (const l of t.latencies) latencies.push(l);
      if (t.handled) last = Math.max(last, t.last);
    }
    emitted += e.emitted;
    emitErrors += e.errors;
    delivered += seen.size;
    if (seen.size) deliveryMs += last - e.startedAt;
    emitMs += e.endedAt - e.startedAt;
    if (u !== undefined) unacked = (unacked ?? 0) + u;
  }
  return {
    emitted,
    emitErrors,
    delivered,
    duplicates: handled - delivered,
    lost: emitted - delivered,
    unacked,
    deliveredPerSec: deliveryMs > 0 ? (delivered / deliveryMs) * 1000 : 0,
    emittedPerSec: emitMs > 0 ? (emitted / emitMs) * 1000 : 0,
    latency: summarize(latencies),
    firstError: runs.find((r) => r.emitted.firstError)?.emitted.firstError,
  };
}
