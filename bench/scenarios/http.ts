import { Context, ProcessFigure, RssSampler, sum } from '../lib/context';
import { Child, cpuSeconds, cpuSecondsOf, ProcessMemory, sleep, startPeer } from '../lib/proc';
import { redisCpuSeconds } from '../lib/system';
import { ratio } from '../lib/stats';
import { checkoutLoad, CleaveSystem, INSTANT_PAYMENTS, probeCheckout, seed, Seeded } from '../lib/system';
import type { HttpLoadPlan, HttpLoadResult } from '../peers/http-load';

export interface HttpRow {
  /** monolith | bare-floor | split | split-catalog2 */
  system: string;
  label: string;
  route: 'GET /products/:id' | 'POST /orders';
  /** `sequential` (1 connection) or `load`. */
  mode: 'sequential' | 'load';
  result: HttpLoadResult;
  processes: ProcessFigure[];
  /** Throughput over the reference of the row (bare floor for the monolith, monolith for split). */
  vsRef?: { ref: string; throughput: number; median: number };
}

export interface MemoryRow {
  system: string;
  label: string;
  processes: number;
  idleMB: number;
  underLoadMB: number;
  peakMB: number;
  perProcess: { role: string; idleMB: number; underLoadMB: number; peakMB: number }[];
  vsMonolith?: { idle: number; underLoad: number };
}

export interface HttpScenario {
  database: string;
  rows: HttpRow[];
  memory: MemoryRow[];
  /** Monolith GET /products/:id throughput over the bare NestJS floor's. */
  monolithVsFloor: number;
}

/**
 * Scenario 3 (and the figures of 4): the real apps from dist/ behind the gateway, loaded
 * with autocannon from its own process. Monolith (with the bare NestJS floor side by side),
 * then split one process per service, then split with a second catalog instance.
 */
export async function httpScenario(ctx: Context): Promise<HttpScenario> {
  const plan = ctx.plans.http;
  const rows: HttpRow[] = [];
  const memory: MemoryRow[] = [];
  const loader = await startPeer('autocannon', 'http-load', {});
  /** Warm-up, then the measured run, with the CPU time the system's processes and autocannon spent in it. */
  const load = async (p: Omit<HttpLoadPlan, 'warmupSec' | 'durationSec'>, children: Child[], durationSec = plan.durationSec): Promise<HttpLoadResult> => {
    const timeout = (plan.warmupSec + durationSec) * 1000 + 60_000;
    await loader.call<HttpLoadResult>('measure', { ...p, durationSec: plan.warmupSec, warmupSec: 0 }, timeout);
    const cpu = async () => ({
      system: sum(children.map((c) => cpuSeconds(c.pid))),
      services: (await redisCpuSeconds(ctx)) + cpuSecondsOf('postgres'),
      loadGenerator: cpuSeconds(loader.pid),
    });
    const before = await cpu();
    const result = await loader.call<HttpLoadResult>('measure', { ...p, durationSec, warmupSec: 0 }, timeout);
    const after = await cpu();
    return {
      ...result,
      cpuSeconds: { system: after.system - before.system, services: after.services - before.services, loadGenerator: after.loadGenerator - before.loadGenerator },
    };
  };
  const getPlan = (url: string, seeded: Seeded, connections: number): Omit<HttpLoadPlan, 'warmupSec' | 'durationSec'> => ({
    url,
    method: 'GET',
    paths: seeded.productIds.map((id) => `/products/${id}`),
    connections,
  });
  const checkoutPlan = (url: string, seeded: Seeded) => checkoutLoad(url, seeded, plan.checkoutConnections);

  /** GET (sequential, loaded) and checkout on one system, with its RSS idle and under load. */
  const measureSystem = async (
    system: string,
    label: string,
    url: string,
    children: Child[],
    seeded: Seeded,
    started: { idle: ProcessMemory[]; sampler: RssSampler; skipGetLoad?: boolean },
  ) => {
    const { idle, sampler, skipGetLoad } = started;
    const run = async (route: HttpRow['route'], mode: HttpRow['mode'], p: Omit<HttpLoadPlan, 'warmupSec' | 'durationSec'>, durationSec?: number) => {
      ctx.log(`http: ${label}, ${route}, ${mode}`);
      const result = await load(p, children, durationSec);
      rows.push({ system, label, route, mode, result, processes: children.map((c) => ({ role: c.name, ...c.memory() })) });
    };
    await run('GET /products/:id', 'sequential', getPlan(url, seeded, 1), plan.sequentialSec);
    if (!skipGetLoad) await run('GET /products/:id', 'load', getPlan(url, seeded, plan.getConnections));
    await run('POST /orders', 'load', checkoutPlan(url, seeded));
    const loaded = sampler.stop();
    memory.push({
      system,
      label,
      processes: children.length,
      idleMB: sum(idle.map((m) => m.rssMB)),
      underLoadMB: sum(loaded.map((m) => m.rssMB)),
      peakMB: sum(loaded.map((m) => m.peakRssMB)),
      perProcess: children.map((c, i) => ({ role: c.name, idleMB: idle[i].rssMB, underLoadMB: loaded[i].rssMB, peakMB: loaded[i].peakRssMB })),
    });
  };

  try {
    // Monolith, and the bare NestJS floor reading the monolith's own catalog database.
    ctx.log('http: starting the monolith');
    const monolith = await CleaveSystem.start('monolith', ctx.redisUrl, { payments: INSTANT_PAYMENTS });
    let bare: Child | undefined;
    try {
      const url = monolith.gatewayUrl;
      const seeded = await seed(url, plan.products, plan.checkoutProducts);
      await probeCheckout(url, seeded);
      const started = await idleThenSample(monolith.instances);
      bare = await startPeer('bare NestJS', 'bare-nest-http', { BENCH_SQLITE_FILE: `${monolith.dataDir}/catalog.sqlite` });
      // GET /products/:id, loaded: monolith and floor alternate, so drift hits both alike.
      const rounds: Record<'monolith' | 'bare-floor', HttpLoadResult[]> = { monolith: [], 'bare-floor': [] };
      for (let round = 1; round <= plan.floorRounds; round++) {
        for (const [name, target] of [['monolith', url], ['bare-floor', bare.info.url]] as const) {
          ctx.log(`http: GET /products/:id, ${name}, round ${round}/${plan.floorRounds}`);
          rounds[name].push(await load(getPlan(target, seeded, plan.getConnections), name === 'monolith' ? monolith.instances : [bare]));
        }
      }
      for (const [name, results] of Object.entries(rounds)) {
        const children = name === 'monolith' ? monolith.instances : [bare];
        rows.push({
          system: name,
          label: name === 'monolith' ? 'monolith' : 'bare NestJS floor',
          route: 'GET /products/:id',
          mode: 'load',
          result: merge(results),
          processes: children.map((c) => ({ role: c.name, ...c.memory() })),
        });
      }
      ctx.log('http: bare NestJS floor, GET /products/:id, sequential');
      rows.push({
        system: 'bare-floor',
        label: 'bare NestJS floor',
        route: 'GET /products/:id',
        mode: 'sequential',
        result: await load(getPlan(bare.info.url, seeded, 1), [bare], plan.sequentialSec),
        processes: [{ role: bare.name, ...bare.memory() }],
      });
      await bare.stop();
      bare = undefined;
      await measureSystem('monolith', 'monolith', url, monolith.instances, seeded, { ...started, skipGetLoad: true });
    } finally {
      await bare?.stop();
      await monolith.stop(ctx.redis);
    }

    ctx.log(`http: starting the split topology (${ctx.splitDatabase})`);
    const split = await CleaveSystem.start('split', ctx.redisUrl, { database: ctx.splitDatabase, payments: INSTANT_PAYMENTS });
    try {
      const url = split.gatewayUrl;
      const seeded = await seed(url, plan.products, plan.checkoutProducts);
      await probeCheckout(url, seeded);
      await measureSystem('split', 'split, 1 instance per service', url, [...split.instances], seeded, await idleThenSample(split.instances));
      ctx.log('http: adding a second catalog instance');
      await split.startInstance('catalog');
      await measureSystem('split-catalog2', 'split, 2 catalog instances', url, [...split.instances], seeded, await idleThenSample(split.instances));
    } finally {
      await split.stop(ctx.redis);
    }
  } finally {
    await loader.stop();
  }

  const order = ['monolith', 'bare-floor', 'split', 'split-catalog2'];
  const routeOrder = (r: HttpRow) => (r.route === 'POST /orders' ? 2 : r.mode === 'sequential' ? 0 : 1);
  rows.sort((a, b) => order.indexOf(a.system) - order.indexOf(b.system) || routeOrder(a) - routeOrder(b));
  const find = (system: string, route: string, mode = 'load') => rows.find((r) => r.system === system && r.route === route && r.mode === mode);
  for (const row of rows) {
    const refSystem = row.system === 'monolith' ? (row.route === 'GET /products/:id' ? 'bare-floor' : undefined) : row.system.startsWith('split') ? 'monolith' : undefined;
    const ref = refSystem && find(refSystem, row.route, row.mode);
    if (ref) row.vsRef = { ref: ref.label, throughput: ratio(row.result.requestsPerSec, ref.result.requestsPerSec), median: ratio(row.result.latency.median, ref.result.latency.median) };
  }
  const mono = memory.find((m) => m.system === 'monolith');
  for (const m of memory) if (mono && m !== mono) m.vsMonolith = { idle: ratio(m.idleMB, mono.idleMB), underLoad: ratio(m.underLoadMB, mono.underLoadMB) };
  return {
    database: `monolith: SQLite; split: ${ctx.splitDatabase === 'postgres' ? 'a PostgreSQL database per module' : 'a SQLite file per module (one data directory)'}`,
    rows,
    memory,
    monolithVsFloor: ratio(find('monolith', 'GET /products/:id')!.result.requestsPerSec, find('bare-floor', 'GET /products/:id')!.result.requestsPerSec),
  };
}

/** RSS of an idle system (a second after seeding, before any load), then sampling starts. */
async function idleThenSample(children: Child[]): Promise<{ idle: ProcessMemory[]; sampler: RssSampler }> {
  await sleep(1000);
  const idle = children.map((c) => c.memory());
  return { idle, sampler: new RssSampler([...children]).start() };
}

/** Several rounds of one system: throughput and latency figures averaged, counts added. */
function merge(results: HttpLoadResult[]): HttpLoadResult {
  if (results.length === 1) return results[0];
  const mean = (pick: (r: HttpLoadResult) => number) => results.reduce((a, r) => a + pick(r), 0) / results.length;
  const total = (pick: (r: HttpLoadResult) => number) => results.reduce((a, r) => a + pick(r), 0);
  return {
    requestsPerSec: mean((r) => r.requestsPerSec),
    requests: total((r) => r.requests),
    ok: total((r) => r.ok),
    non2xx: total((r) => r.non2xx),
    errors: total((r) => r.errors),
    timeouts: total((r) => r.timeouts),
    connections: results[0].connections,
    durationSec: total((r) => r.durationSec),
    latency: {
      count: total((r) => r.latency.count),
      median: mean((r) => r.latency.median),
      p99: mean((r) => r.latency.p99),
      mean: mean((r) => r.latency.mean),
      min: Math.min(...results.map((r) => r.latency.min)),
      max: Math.max(...results.map((r) => r.latency.max)),
    },
    rounds: results.length,
    cpuSeconds: {
      system: total((r) => r.cpuSeconds?.system ?? NaN),
      services: total((r) => r.cpuSeconds?.services ?? NaN),
      loadGenerator: total((r) => r.cpuSeconds?.loadGenerator ?? NaN),
    },
    failures: results.flatMap((r) => r.failures ?? []),
  };
}
