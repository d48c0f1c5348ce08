import type { BusScenario } from '../scenarios/bus';
import type { CheckoutScenario } from '../scenarios/checkout';
import type { ClusterScenario } from '../scenarios/cluster';
import type { EventsScenario } from '../scenarios/events';
import type { HttpScenario } from '../scenarios/http';
import type { ScaleRoute, ScaleScenario } from '../scenarios/scale';
import type { TracingScenario } from '../scenarios/tracing';
import type { IdleScenario } from '../scenarios/idle';
import type { NetworkScenario } from '../scenarios/network';
import { Plans } from './context';
import { Interference } from './interference';
import { LatencyStats } from './stats';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  os: string;
  node: string;
  redis: string;
  /** CPU busy with other work just before the run, percent. */
  busyBeforeRunPct: number;
}

export interface Target {
  name: string;
  limit: string;
  measured: string;
  value: number;
  met: boolean;
}

export interface Results {
  startedAt: string;
  /** CPU used by work outside the benchmark while it ran. */
  interference: Interference;
  durationSec: number;
  quick: boolean;
  machine: Machine;
  plans: Plans;
  scenarios: { bus?: BusScenario; events?: EventsScenario; http?: HttpScenario; checkout?: CheckoutScenario; scale?: ScaleScenario; tracing?: TracingScenario; idle?: IdleScenario; cluster?: ClusterScenario; network?: NetworkScenario };
  targets: Target[];
}

export function targetsOf(scenarios: Results['scenarios']): Target[] {
  const targets: Target[] = [];
  const bus = scenarios.bus;
  if (bus) {
    const redis = bus.rows.find((r) => r.id === 'cleave-redis')!;
    const median = redis.vsFloor!.median;
    targets.push({ name: 'Cleave Redis request/reply median latency vs raw ioredis floor', limit: '≤ 1.5x', measured: x(median), value: median, met: median <= 1.5 });
    targets.push({
      name: 'Cleave Redis throughput at 100 in flight vs NestJS Transport.REDIS',
      limit: '≥ 2x',
      measured: x(bus.cleaveRedisVsNestThroughput),
      value: bus.cleaveRedisVsNestThroughput,
      met: bus.cleaveRedisVsNestThroughput >= 2,
    });
    targets.push({
      name: 'Cleave in-process call overhead over a direct method call (median)',
      limit: '< 20 µs',
      measured: `${bus.inProcessOverheadUs.toFixed(1)} µs`,
      value: bus.inProcessOverheadUs,
      met: bus.inProcessOverheadUs < 20,
    });
  }
  if (scenarios.http) {
    const v = scenarios.http.monolithVsFloor;
    targets.push({ name: 'Monolith GET /products/:id throughput vs bare NestJS floor', limit: '≥ 0.9x', measured: x(v), value: v, met: v >= 0.9 });
  }
  for (const r of scenarios.tracing?.rows ?? []) {
    if (r.mode !== 'default' || r.vsOff === undefined) continue;
    targets.push({ name: `${r.topology} checkout throughput, tracing at its production default vs off`, limit: '≥ 0.95x', measured: x(r.vsOff), value: r.vsOff, met: r.vsOff >= 0.95 });
  }
  const idleSplit = scenarios.idle?.rows.find((r) => r.system === 'split');
  if (idleSplit) {
    const v = idleSplit.appMsPerSec + idleSplit.servicesMsPerSec;
    targets.push({ name: `CPU of the idle split system (${idleSplit.processes} processes, Redis and PostgreSQL)`, limit: '≤ 5 ms/s', measured: `${v.toFixed(1)} ms/s`, value: v, met: v <= 5 });
  }
  for (const r of scenarios.idle?.rows ?? []) {
    const v = Math.max(...r.perProcess.map((p) => p.rssMB));
    targets.push({ name: `Idle RSS of the largest ${r.system} process`, limit: '≤ 90 MB', measured: `${mb(v)} MB`, value: v, met: v <= 90 });
  }
  const network = scenarios.network;
  if (network) {
    targets.push({
      name: `Split checkout p50 across ${network.delayMs} ms each way vs monolith p50 + 2 ms + a round trip per sequential one beyond the monolith's`,
      limit: `≤ ${ms(network.boundMs)} ms`,
      measured: `${ms(network.splitP50Ms)} ms`,
      value: network.splitP50Ms,
      met: network.splitP50Ms <= network.boundMs,
    });
  }
  const scale = scenarios.scale;
  if (scale && scale.rows.length > 1) {
    const largest = scale.rows[scale.rows.length - 1];
    for (const route of Object.keys(SCALE_ROUTES) as ScaleRoute[]) {
      const v = largest.vsSmallest![route];
      targets.push({ name: `${SCALE_ROUTES[route]} median at ${int(largest.products)} products vs ${int(scale.rows[0].products)}`, limit: '≤ 2x', measured: x(v), value: v, met: v <= 2 });
    }
  }
  return targets;
}

const int = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–');
const mb = (n: number) => (Number.isFinite(n) ? n.toFixed(0) : '–');
const pct = (part: number, whole: number) => (whole > 0 ? `${((part / whole) * 100).toFixed(1)}%` : '–');
const x = (n: number) => (Number.isFinite(n) ? `${n.toFixed(2)}x` : '–');

/** Milliseconds with the digits that matter at that size. */
export function ms(n: number): string {
  if (!Number.isFinite(n)) return '–';
  if (n < 0.1) return n.toFixed(4);
  if (n < 1) return n.toFixed(3);
  if (n < 10) return n.toFixed(2);
  return n.toFixed(1);
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `| ${head.map(() => '---').join(' | ')} |`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

function rss(processes: { role: string; peakRssMB: number }[]): string {
  return processes.map((p) => `${p.role.replace(/^\S+ /, '')} ${mb(p.peakRssMB)}`).join(', ');
}

/** Other work took a tenth of the machine on average, or over a quarter of it for a tenth of the run. */
export function skewed(results: Pick<Results, 'interference' | 'durationSec'>): boolean {
  return results.interference.meanPct > 10 || results.interference.secondsAbove25Pct > results.durationSec / 10;
}

function failureLines(http: HttpScenario): string[] {
  const lines = http.rows.flatMap((r) =>
    (r.result.failures ?? []).map((f) => `- ${r.label}, ${r.route}: ${int(f.count)} × \`${f.answer.replace(/`/g, "'").replace(/\s+/g, ' ')}\``),
  );
  return lines.length ? ['Errors seen (first distinct answers):', '', ...lines, ''] : [];
}

export function markdown(results: Results): string {
  const { machine, scenarios } = results;
  const out: string[] = [];
  out.push(
    `Run ${results.startedAt}${results.quick ? ' (quick: short phases, a smoke check only)' : ''}, ${Math.round(results.durationSec)} s in all.`,
    `Machine: ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB; ${machine.os}; Node ${machine.node}; Redis ${machine.redis}; ` +
      `CPU ${machine.busyBeforeRunPct}% busy with other work just before the run.`,
    `Other work during the run: ${results.interference.meanPct.toFixed(1)}% of the machine on average, ` +
      `over 25% for ${results.interference.secondsAbove25Pct} s${skewed(results) ? ' (**figures skewed**: rerun on a quiet machine)' : ''}.`,
    '',
  );
  if (results.targets.length) {
    out.push('**Targets**', '', table(['target', 'limit', 'measured', 'met'], results.targets.map((t) => [t.name, t.limit, t.measured, t.met ? 'yes' : '**no**'])), '');
  }
  const bus = scenarios.bus;
  if (bus) {
    const p = results.plans.bus;
    out.push(
      `**1. Bus round trip** (echo, small payload; every system up at once, measured in ${p.rounds} alternating rounds: ${int(p.sequentialCalls)} sequential calls, ` +
        `then ${p.durationMs / 1000} s at ${p.inFlight} in flight, per system)`,
      '',
      table(
        ['system', 'median (ms)', 'p99 (ms)', 'median vs floor', 'throughput (req/s)', 'throughput vs floor', 'loaded median / p99 (ms)', 'CPU µs/call: client / server / Redis', 'errors', 'peak RSS (MB)'],
        bus.rows.map((r) => [
          r.system,
          ms(r.sequential.median),
          ms(r.sequential.p99),
          r.vsFloor ? x(r.vsFloor.median) : '',
          int(r.throughput.opsPerSec),
          r.vsFloor ? x(r.vsFloor.throughput) : '',
          `${ms(r.throughput.latency.median)} / ${ms(r.throughput.latency.p99)}`,
          r.cpuPerCallUs ? [r.cpuPerCallUs.client, r.cpuPerCallUs.server, r.cpuPerCallUs.redis].map((v) => v.toFixed(1)).join(' / ') : '',
          int(r.sequential.errors + r.throughput.errors),
          rss(r.processes),
        ]),
      ),
      '',
      `Floor: the better raw ioredis variant per figure (median latency: ${bus.floor.medianOf}, ${ms(bus.floor.median)} ms; ` +
        `throughput: ${bus.floor.throughputOf}, ${int(bus.floor.throughput)} req/s). ` +
        `In-process overhead over a direct method call: ${bus.inProcessOverheadUs.toFixed(1)} µs per call (median of sequential calls), ` +
        `${bus.inProcessOverheadUsUnderLoad.toFixed(1)} µs per call at ${p.inFlight} in flight. ` +
        `Cleave Redis vs NestJS Transport.REDIS throughput: ${x(bus.cleaveRedisVsNestThroughput)}.`,
      '',
    );
  }
  const events = scenarios.events;
  if (events) {
    const p = results.plans.events;
    out.push(
      `**2. Events, emit to handler** (both systems up at once, ${p.rounds} alternating round(s); paced: ${p.latencyEvents} events one at a time; ` +
        `load: ${p.durationMs / 1000} s of emits at ${p.inFlight} in flight, then the delivery of all of them; delivered/s counts distinct events, first emit to last handling)`,
      '',
      table(
        ['system', 'consumers', 'paced median / p99 (ms)', 'delivered/s', 'vs NestJS', 'loaded median / p99 (ms)', 'emitted', 'delivered', 'duplicates', 'lost / unacked', 'peak RSS (MB)'],
        events.rows.map((r) => [
          r.system,
          String(r.consumers),
          `${ms(r.paced.latency.median)} / ${ms(r.paced.latency.p99)}`,
          int(r.load.deliveredPerSec),
          r.vsNest === undefined ? '' : x(r.vsNest),
          `${ms(r.load.latency.median)} / ${ms(r.load.latency.p99)}`,
          int(r.load.emitted),
          int(r.load.delivered),
          int(r.load.duplicates),
          `${int(r.load.lost + r.paced.lost + r.load.emitErrors)} / ${r.load.unacked === undefined ? 'n/a' : int(r.load.unacked)}`,
          rss(r.processes),
        ]),
      ),
      '',
    );
  }
  const http = scenarios.http;
  if (http) {
    const p = results.plans.http;
    out.push(
      `**3. HTTP through the gateway** (autocannon, loopback; ${p.durationSec} s per run after ${p.warmupSec} s warm-up; GET at ${p.getConnections} connections, ` +
        `checkout at ${p.checkoutConnections}, "1 conn" at one connection; ${http.database})`,
      '',
      table(
        ['system', 'route', 'connections', 'median (ms)', 'p99 (ms)', 'req/s', 'vs reference', 'CPU µs/request: app / Redis+PG / autocannon', 'errors', 'peak RSS (MB)'],
        http.rows.map((r) => [
          r.label,
          r.route,
          String(r.result.connections),
          ms(r.result.latency.median),
          ms(r.result.latency.p99),
          int(r.result.requestsPerSec),
          r.vsRef ? `${x(r.vsRef.throughput)} ${r.vsRef.ref}` : '',
          r.result.cpuSeconds
            ? [r.result.cpuSeconds.system, r.result.cpuSeconds.services, r.result.cpuSeconds.loadGenerator].map((v) => int((v / r.result.ok) * 1e6)).join(' / ')
            : '',
          int(r.result.errors),
          rss(r.processes),
        ]),
      ),
      '',
      ...failureLines(http),
      '**4. Memory** (RSS, MB: idle a second after seeding; under load the highest sampled while the HTTP runs above ran; peak is VmHWM)',
      '',
      table(
        ['system', 'processes', 'idle', 'under load', 'peak', 'vs monolith (idle / under load)', 'per process (idle / under load)'],
        http.memory.map((m) => [
          m.label,
          String(m.processes),
          mb(m.idleMB),
          mb(m.underLoadMB),
          mb(m.peakMB),
          m.vsMonolith ? `${x(m.vsMonolith.idle)} / ${x(m.vsMonolith.underLoad)}` : '',
          m.perProcess.map((q) => `${q.role} ${mb(q.idleMB)}/${mb(q.underLoadMB)}`).join(', '),
        ]),
      ),
      '',
    );
  }
  const checkout = scenarios.checkout;
  if (checkout) {
    const p = results.plans.checkout;
    const lat = (l?: LatencyStats) => (l ? `${ms(l.median)} / ${ms(l.p99)}` : '–');
    out.push(
      `**5. Checkout under payment failures** (POST /orders, one unit per order, at ${p.connections} connections for ${p.durationSec} s after ${p.warmupSec} s warm-up; ` +
        `payment simulator: ${p.latencyMs} ms per charge, ${(p.failureRate * 100).toFixed(0)}% declined; ${checkout.database}. ` +
        'Stock check: once no order is PENDING, every product\'s stock plus its units in CONFIRMED orders must equal its initial stock)',
      '',
      table(
        ['system', 'answers/s', '201/s', '201 / 402 / other', '402 share', 'median / p99 (ms)', '201 median / p99', '402 median / p99', 'orders confirmed / cancelled / pending', 'stock consistent'],
        checkout.rows.map((r) => [
          r.label,
          int(r.answersPerSec),
          int(r.result.requestsPerSec),
          `${int(r.created)} / ${int(r.declined)} / ${int(r.other)}`,
          pct(r.declined, r.created + r.declined + r.other),
          lat(r.result.latency),
          lat(r.latency201),
          lat(r.latency402),
          `${int(r.orders.confirmed)} / ${int(r.orders.cancelled)} / ${int(r.orders.pending)}`,
          r.consistent ? 'yes' : '**no**',
        ]),
      ),
      '',
      ...checkout.rows.flatMap((r) =>
        (r.result.failures ?? [])
          .filter((f) => !f.answer.startsWith('402 '))
          .map((f) => `- ${r.label}: ${int(f.count)} × \`${f.answer.replace(/`/g, "'").replace(/\s+/g, ' ')}\``),
      ),
      '',
    );
  }
  const scale = results.scenarios.scale;
  if (scale) {
    const p = results.plans.scale;
    out.push(
      `**6. Cost as work grows** (${scale.database}; products and orders seeded straight into the databases; each route timed over ${p.requests} sequential requests after ${p.warmupRequests} unmeasured; ` +
        `the search finds the same ${SEARCH_NOTE} in every size, the category page holds 1% of the products; median / p99 in ms, and the median over the smallest size's)`,
      '',
      table(
        ['products', "customer's orders", 'seeded in', ...Object.values(SCALE_ROUTES)],
        scale.rows.map((r) => [
          int(r.products),
          int(r.customerOrders),
          `${r.seedSec.toFixed(1)} s`,
          ...(Object.keys(SCALE_ROUTES) as ScaleRoute[]).map((route) => `${ms(r.latency[route].median)} / ${ms(r.latency[route].p99)} (${x(r.vsSmallest![route])})`),
        ]),
      ),
      '',
    );
  }
  const tracing = results.scenarios.tracing;
  if (tracing) {
    const p = results.plans.tracing;
    out.push(
      `**7. What tracing costs a checkout** (POST /orders at ${p.connections} connections, ${p.durationSec} s after ${p.warmupSec} s warm-up; the monolith's three systems up at once, ` +
        `alternating in ${p.rounds} rounds; split: one system at a time; ${tracing.database})`,
      '',
      table(
        ['system', 'tracing', 'orders/s', 'vs off', 'median / p99 (ms)', 'app CPU per order (ms)'],
        tracing.rows.map((r) => [r.topology, r.label, int(r.result.requestsPerSec), r.vsOff === undefined ? '–' : x(r.vsOff), `${ms(r.result.latency.median)} / ${ms(r.result.latency.p99)}`, ms(r.appCpuMsPerOrder)]),
      ),
      '',
    );
  }
  const idle = results.scenarios.idle;
  if (idle) {
    const p = results.plans.idle;
    out.push(
      `**8. A system doing nothing** (CPU over ${p.durationSec} s with no request, ${p.settleSec} s after the last instance was ready; ms of CPU per second; RSS at the end)`,
      '',
      table(
        ['system', 'processes', 'app CPU', 'Redis + PostgreSQL CPU', 'per process (CPU ms/s; RSS / anonymous / Pss MB)'],
        idle.rows.map((r) => [
          r.system,
          int(r.processes),
          r.appMsPerSec.toFixed(1),
          r.servicesMsPerSec.toFixed(1),
          r.perProcess.map((q) => `${q.role} ${q.msPerSec.toFixed(1)}; ${mb(q.rssMB)} / ${mb(q.anonMB ?? NaN)} / ${mb(q.pssMB ?? NaN)}`).join(', '),
        ]),
      ),
      '',
    );
  }
  const cluster = results.scenarios.cluster;
  if (cluster) {
    const p = results.plans.bus;
    out.push(
      `**9. The bus on a Redis Cluster** (scenario 1's echo, Cleave's Redis transport, on one Redis and on a cluster of 3 masters and 3 replicas on this machine; ` +
        `both up at once, ${p.rounds} alternating rounds: ${int(p.sequentialCalls)} sequential calls, then ${p.durationMs / 1000} s at ${p.inFlight} in flight)`,
      '',
      table(
        ['Redis', 'median (ms)', 'p99 (ms)', 'throughput (req/s)', 'loaded median / p99 (ms)', 'CPU µs/call: client / server / Redis', 'errors', 'peak RSS (MB)'],
        cluster.rows.map((r) => [
          r.system,
          ms(r.sequential.median),
          ms(r.sequential.p99),
          int(r.throughput.opsPerSec),
          `${ms(r.throughput.latency.median)} / ${ms(r.throughput.latency.p99)}`,
          [r.cpuPerCallUs.client, r.cpuPerCallUs.server, r.cpuPerCallUs.redis].map((v) => v.toFixed(1)).join(' / '),
          int(r.sequential.errors + r.throughput.errors),
          rss(r.processes),
        ]),
      ),
      '',
      `The cluster against one Redis: median ${x(cluster.clusterVsSingle.median)}, throughput ${x(cluster.clusterVsSingle.throughput)}.`,
      '',
    );
  }
  const network = results.scenarios.network;
  if (network) {
    const p = results.plans.network;
    const chunks = (r: NetworkScenario['rows'][number]) =>
      Object.entries(r.chunksPerCheckout)
        .map(([link, n]) => `${link} ${Number.isFinite(n) ? n.toFixed(1) : '–'}`)
        .join(', ');
    out.push(
      `**10. A network between hosts** (POST /orders one at a time, ${p.rounds} rounds of ${p.durationSec} s after ${p.warmupSec} s warm-up per delay, through delay-proxy peers: ` +
        `the callers to the gateway and, split, every process to Redis and to its PostgreSQL database; measured with the delay and again with none on the same system)`,
      '',
      table(
        ['system', 'each way (ms)', 'checkouts', 'median / p99 (ms)', 'chunks crossing per checkout, by link'],
        network.rows.map((r) => [r.system, String(r.delayMs), int(r.checkouts), `${ms(r.latency.median)} / ${ms(r.latency.p99)}`, chunks(r)]),
      ),
      '',
      `One-way crossings a checkout waits for in sequence ((median with the delay - median without) / delay): monolith ${network.sequentialCrossings.monolith.toFixed(1)}, ` +
        `split ${network.sequentialCrossings.split.toFixed(1)} (${(network.sequentialCrossings.split / 2).toFixed(1)} round trips). ` +
        `Split median ${ms(network.splitP50Ms)} ms against a bound of ${ms(network.boundMs)} ms (monolith median + 2 ms + a round trip per sequential round trip beyond the monolith's). ` +
        `What a split checkout crosses in sequence: gateway → orders (a bus call is 2 round trips through Redis); orders' statements; orders → catalog (prices), ` +
        `orders → catalog (reserve), orders → payments (charge), orders → catalog (commit), each a bus call and its module's statements. ` +
        `Asked at once, prices and reservation would be one call, and the commit could follow the answer: 3 bus calls in sequence instead of 5.`,
      '',
    );
  }
  return out.join('\n');
}

const SCALE_ROUTES: Record<ScaleRoute, string> = {
  search: 'GET /products?q=',
  category: 'GET /products?category=&sort=price',
  orders: 'GET /orders (first page)',
  checkout: 'POST /orders',
};
const SEARCH_NOTE = '50 products';
