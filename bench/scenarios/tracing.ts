import { Context, sum } from '../lib/context';
import { Child, cpuSeconds, cpuSecondsOf, startPeer } from '../lib/proc';
import { ratio } from '../lib/stats';
import { checkoutLoad, CleaveSystem, INSTANT_PAYMENTS, probeCheckout, redisCpuSeconds, seed, Seeded } from '../lib/system';
import type { HttpLoadResult } from '../peers/http-load';

/** How a system traces: the production default, nothing, or every span. */
export type TracingMode = 'default' | 'off' | 'all';

const MODES: Record<TracingMode, { label: string; env: Record<string, string> }> = {
  // The bench runs the apps with NODE_ENV=production: a tenth of the traces, failed and slow roots.
  default: { label: 'production default (ratio 0.1, failed and slow roots kept)', env: {} },
  off: { label: 'tracing off (OTEL_SDK_DISABLED=true)', env: { OTEL_SDK_DISABLED: 'true' } },
  all: { label: 'every span (OTEL_TRACES_SAMPLER_ARG=1)', env: { OTEL_TRACES_SAMPLER_ARG: '1' } },
};

export interface TracingRow {
  topology: 'monolith' | 'split';
  mode: TracingMode;
  label: string;
  result: HttpLoadResult;
  /** App CPU (all the system's processes) per confirmed order, ms. */
  appCpuMsPerOrder: number;
  /** Throughput over the same topology with tracing off. */
  vsOff?: number;
}

export interface TracingScenario {
  database: string;
  rows: TracingRow[];
}

/**
 * Scenario 7, what tracing costs a checkout: the same system with tracing at its production
 * default, off, and recording every span. Monolith: the three are up at once and alternate in
 * rounds. Split (a process per module, as configured for the split runs): one system at a
 * time, each mode in turn, the run stating so.
 */
export async function tracingScenario(ctx: Context): Promise<TracingScenario> {
  const plan = ctx.plans.tracing;
  const rows: TracingRow[] = [];
  const loader = await startPeer('autocannon', 'http-load', {});
  const measure = async (children: Child[], url: string, seeded: Seeded): Promise<HttpLoadResult> => {
    const p = checkoutLoad(url, seeded, plan.connections);
    const timeout = (plan.warmupSec + plan.durationSec) * 1000 + 60_000;
    await loader.call('measure', { ...p, durationSec: plan.warmupSec, warmupSec: 0 }, timeout);
    const before = { system: sum(children.map((c) => cpuSeconds(c.pid))), services: (await redisCpuSeconds(ctx)) + cpuSecondsOf('postgres') };
    const result = await loader.call<HttpLoadResult>('measure', { ...p, durationSec: plan.durationSec, warmupSec: 0 }, timeout);
    const after = { system: sum(children.map((c) => cpuSeconds(c.pid))), services: (await redisCpuSeconds(ctx)) + cpuSecondsOf('postgres') };
    return { ...result, cpuSeconds: { system: after.system - before.system, services: after.services - before.services, loadGenerator: NaN } };
  };
  const row = (topology: TracingRow['topology'], mode: TracingMode, results: HttpLoadResult[]): TracingRow => {
    const requests = sum(results.map((r) => r.ok));
    const cpu = sum(results.map((r) => r.cpuSeconds!.system));
    const result = results.length === 1 ? results[0] : { ...results[0], requestsPerSec: sum(results.map((r) => r.requestsPerSec)) / results.length, ok: requests, rounds: results.length };
    return { topology, mode, label: MODES[mode].label, result, appCpuMsPerOrder: (cpu * 1000) / requests };
  };

  try {
    ctx.log('tracing: three monoliths, one per mode');
    const modes = Object.keys(MODES) as TracingMode[];
    const monoliths = new Map<TracingMode, { system: CleaveSystem; seeded: Seeded }>();
    try {
      for (const mode of modes) {
        const system = await CleaveSystem.start('monolith', ctx.redisUrl, { payments: INSTANT_PAYMENTS, env: MODES[mode].env });
        const seeded = await seed(system.gatewayUrl, 1, plan.checkoutProducts);
        await probeCheckout(system.gatewayUrl, seeded);
        monoliths.set(mode, { system, seeded });
      }
      const results = new Map<TracingMode, HttpLoadResult[]>(modes.map((m) => [m, []]));
      for (let round = 0; round < plan.rounds; round++) {
        // Rotate who goes first, so a slow spell of the machine falls on each alike.
        for (const mode of [...modes.slice(round % modes.length), ...modes.slice(0, round % modes.length)]) {
          ctx.log(`tracing: monolith, ${mode}, round ${round + 1}/${plan.rounds}`);
          const { system, seeded } = monoliths.get(mode)!;
          results.get(mode)!.push(await measure(system.instances, system.gatewayUrl, seeded));
        }
      }
      for (const mode of modes) rows.push(row('monolith', mode, results.get(mode)!));
    } finally {
      await Promise.all([...monoliths.values()].map(({ system }) => system.stop(ctx.redis)));
    }

    for (const mode of modes) {
      ctx.log(`tracing: split (${ctx.splitDatabase}), ${mode}`);
      const system = await CleaveSystem.start('split', ctx.redisUrl, { database: ctx.splitDatabase, payments: INSTANT_PAYMENTS, env: MODES[mode].env });
      try {
        const seeded = await seed(system.gatewayUrl, 1, plan.checkoutProducts);
        await probeCheckout(system.gatewayUrl, seeded);
        rows.push(row('split', mode, [await measure(system.instances, system.gatewayUrl, seeded)]));
      } finally {
        await system.stop(ctx.redis);
      }
    }
  } finally {
    await loader.stop();
  }
  for (const r of rows) {
    const off = rows.find((o) => o.topology === r.topology && o.mode === 'off');
    if (off && off !== r) r.vsOff = ratio(r.result.requestsPerSec, off.result.requestsPerSec);
  }
  return { database: `monolith: SQLite; split: ${ctx.splitDatabase}`, rows };
}
