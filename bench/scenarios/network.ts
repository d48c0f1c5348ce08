import { Context } from '../lib/context';
import { postgresAdminUrl } from '../lib/postgres';
import { Child, startPeer } from '../lib/proc';
import { LatencyStats } from '../lib/stats';
import { CleaveSystem, probeCheckout, seed, checkoutLoad } from '../lib/system';
import type { HttpLoadResult } from '../peers/http-load';

type Link = 'http' | 'redis' | 'postgres';

interface ProxyCounts {
  toTarget: number;
  fromTarget: number;
  connections: number;
}

export interface NetworkRow {
  system: 'monolith' | 'split';
  /** Each way, on every link the system has. */
  delayMs: number;
  checkouts: number;
  latency: LatencyStats;
  /** Chunks the proxies forwarded per checkout, both directions, by link (background traffic taken off). */
  chunksPerCheckout: Partial<Record<Link, number>>;
}

export interface NetworkScenario {
  delayMs: number;
  rows: NetworkRow[];
  /**
   * One-way crossings on a checkout's critical path, measured: (p50 with the delay - p50 with
   * none, same system, same proxies) / delay. Half of it is the sequential round trips.
   */
  sequentialCrossings: Record<'monolith' | 'split', number>;
  /** Split p50 with the delay, and its bound: monolith p50 + 2 ms + one round trip per sequential round trip beyond the monolith's. */
  splitP50Ms: number;
  boundMs: number;
}

/** What the links of a system are: its callers always; Redis and PostgreSQL beyond one process. */
const LINKS: Record<'monolith' | 'split', Link[]> = { monolith: ['http'], split: ['http', 'redis', 'postgres'] };

/**
 * Scenario 10, a network between hosts: checkouts one at a time with every link a system has
 * (its callers to the gateway; beyond one process each process to Redis and to its database)
 * through a delay-proxy peer holding each chunk `delayMs` each way, as between hosts of one
 * zone. Measured twice on the same running system, with the delay and with none (the proxies'
 * own cost stays in both): the difference over the delay is the number of one-way crossings a
 * checkout waits for in sequence. The chunk counts say how many crossings it makes in all.
 */
export async function networkScenario(ctx: Context): Promise<NetworkScenario> {
  const plan = ctx.plans.network;
  const loader = await startPeer('autocannon', 'http-load', {});
  const rows: NetworkRow[] = [];
  const proxies = new Map<Link, Child>();
  try {
    const redisTarget = new URL(ctx.redisUrl);
    const postgresTarget = new URL(postgresAdminUrl());
    proxies.set('redis', await startProxy('redis', `${redisTarget.hostname}:${redisTarget.port || 6379}`, plan.delayMs));
    proxies.set('postgres', await startProxy('postgres', `${postgresTarget.hostname}:${postgresTarget.port || 5432}`, plan.delayMs));
    const redisPort = proxies.get('redis')!.info.port as number;
    const postgresPort = proxies.get('postgres')!.info.port as number;
    const postgresHost = `${postgresTarget.hostname}:${postgresTarget.port || 5432}`;
    for (const topology of ['monolith', 'split'] as const) {
      ctx.log(`network: ${topology}, checkouts one at a time across ${plan.delayMs} ms each way`);
      const redisUrl = new URL(ctx.redisUrl);
      redisUrl.port = String(redisPort);
      const system = await CleaveSystem.start(topology, redisUrl.toString(), {
        database: 'postgres',
        mapEnv: (env) =>
          Object.fromEntries(Object.entries(env).map(([name, value]) => [name, name.startsWith('DATABASE_URL_') ? value.replace(`@${postgresHost}/`, `@127.0.0.1:${postgresPort}/`) : value])),
      });
      const http = await startProxy(`http-${topology}`, new URL(system.gatewayUrl).host, plan.delayMs);
      proxies.set('http', http);
      try {
        const direct = system.gatewayUrl;
        const seeded = await seed(direct, 0, 5);
        const viaNetwork = `http://127.0.0.1:${http.info.port as number}`;
        await probeCheckout(viaNetwork, seeded);
        const load = { ...checkoutLoad(viaNetwork, seeded, 1), warmupSec: 0 };
        const measured: NetworkRow[] = [];
        // Alternating, the order turned each round: a slow spell of the machine falls on both.
        const order = Array.from({ length: plan.rounds }, (_, round) => (round % 2 ? [0, plan.delayMs] : [plan.delayMs, 0])).flat();
        for (const delayMs of order) {
          for (const link of LINKS[topology]) await proxies.get(link)!.call('setDelay', { ms: delayMs });
          await loader.call<HttpLoadResult>('measure', { ...load, durationSec: plan.warmupSec }, plan.warmupSec * 1000 + 60_000);
          // Heartbeats, polls and claims cross the links too: their rate, to take off the counts.
          const quiet = await countsOf(proxies, LINKS[topology]);
          const quietStarted = performance.now();
          await new Promise((resolve) => setTimeout(resolve, 2000));
          const background = perSecond(quiet, await countsOf(proxies, LINKS[topology]), (performance.now() - quietStarted) / 1000);
          const before = await countsOf(proxies, LINKS[topology]);
          const result = await loader.call<HttpLoadResult>('measure', { ...load, durationSec: plan.durationSec }, plan.durationSec * 1000 + 60_000);
          const after = await countsOf(proxies, LINKS[topology]);
          const checkouts = result.statusCodes?.['201'] ?? 0;
          const chunksPerCheckout: Partial<Record<Link, number>> = {};
          for (const link of LINKS[topology]) {
            const forwarded = after[link] - before[link] - (background[link] ?? 0) * result.durationSec;
            chunksPerCheckout[link] = checkouts ? Math.max(0, forwarded) / checkouts : NaN;
          }
          measured.push({ system: topology, delayMs, checkouts, latency: result.latency, chunksPerCheckout });
        }
        for (const delayMs of [plan.delayMs, 0]) rows.push(pooled(measured.filter((r) => r.delayMs === delayMs)));
      } finally {
        await http.stop();
        proxies.delete('http');
        await system.stop(ctx.redis);
      }
    }
  } finally {
    await Promise.all([...proxies.values()].map((p) => p.stop()));
    await loader.stop();
  }
  const p50 = (system: 'monolith' | 'split', delayMs: number) => rows.find((r) => r.system === system && r.delayMs === delayMs)!.latency.median;
  const crossings = (system: 'monolith' | 'split') => (p50(system, plan.delayMs) - p50(system, 0)) / plan.delayMs;
  const sequentialCrossings = { monolith: crossings('monolith'), split: crossings('split') };
  const extraRoundTrips = Math.max(0, (sequentialCrossings.split - sequentialCrossings.monolith) / 2);
  return {
    delayMs: plan.delayMs,
    rows,
    sequentialCrossings,
    splitP50Ms: p50('split', plan.delayMs),
    boundMs: p50('monolith', plan.delayMs) + 2 + extraRoundTrips * 2 * plan.delayMs,
  };
}

/** Rounds of one system and delay: checkouts added, latency figures and counts averaged. */
function pooled(rounds: NetworkRow[]): NetworkRow {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const links = Object.keys(rounds[0].chunksPerCheckout) as Link[];
  return {
    ...rounds[0],
    checkouts: rounds.reduce((sum, r) => sum + r.checkouts, 0),
    latency: { ...rounds[0].latency, median: mean(rounds.map((r) => r.latency.median)), p99: mean(rounds.map((r) => r.latency.p99)), count: rounds.reduce((sum, r) => sum + r.latency.count, 0) },
    chunksPerCheckout: Object.fromEntries(links.map((link) => [link, mean(rounds.map((r) => r.chunksPerCheckout[link] ?? NaN))])),
  };
}

function startProxy(name: string, target: string, delayMs: number): Promise<Child> {
  return startPeer(`proxy-${name}`, 'delay-proxy', { BENCH_PROXY_TARGET: target, BENCH_PROXY_DELAY_MS: String(delayMs) });
}

async function countsOf(proxies: Map<Link, Child>, links: Link[]): Promise<Record<Link, number>> {
  const out = {} as Record<Link, number>;
  for (const link of links) {
    const c = await proxies.get(link)!.call<ProxyCounts>('counts');
    out[link] = c.toTarget + c.fromTarget;
  }
  return out;
}

function perSecond(before: Record<Link, number>, after: Record<Link, number>, seconds: number): Partial<Record<Link, number>> {
  return Object.fromEntries(Object.keys(after).map((link) => [link, (after[link as Link] - before[link as Link]) / seconds]));
}
