/**
 * The HTTP load generator: autocannon, programmatic, in its own process so it neither
 * shares a core's event loop with the orchestrator nor hides in a server's RSS. Loopback
 * only: it refuses any URL whose host is not 127.0.0.1 or localhost.
 */
import autocannon from 'autocannon';
import { serve } from '../lib/child';
import { LatencyStats, Samples, summarize } from '../lib/stats';

export interface HttpLoadPlan {
  url: string;
  method: 'GET' | 'POST';
  /** Rotated request by request. */
  paths: string[];
  headers?: Record<string, string>;
  /** Rotated request by request, independently of the paths. */
  bodies?: string[];
  connections: number;
  durationSec: number;
  /** Unmeasured run with the same requests first. */
  warmupSec: number;
  /** Also summarise latency per HTTP status (e.g. 201 vs 402). */
  latencyByStatus?: boolean;
}

/** The first few distinct non-2xx answers, to tell what failed. */
const failures = new Map<string, number>();

function run(plan: HttpLoadPlan, durationSec: number, latencies?: Samples, byStatus?: Map<number, Samples>): Promise<autocannon.Result> {
  const host = new URL(plan.url).hostname;
  if (host !== '127.0.0.1' && host !== 'localhost') throw new Error(`refusing to load ${plan.url}: loopback only`);
  let i = 0;
  let j = 0;
  const bodies = plan.bodies ?? [];
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: plan.url,
        connections: plan.connections,
        duration: durationSec,
        timeout: 10,
        requests: [
          {
            method: plan.method,
            headers: { 'content-type': 'application/json', ...plan.headers },
            setupRequest: (request: any) => ({
              ...request,
              path: plan.paths[i++ % plan.paths.length],
              ...(bodies.length ? { body: bodies[j++ % bodies.length] } : {}),
            }),
            onResponse: (status: number, body: string) => {
              if (status < 300) return;
              const key = `${status} ${String(body).slice(0, 240)}`;
              if (failures.has(key) || failures.size < 5) failures.set(key, (failures.get(key) ?? 0) + 1);
            },
          },
        ],
      },
      (error: Error | null, result: autocannon.Result) => (error ? reject(error) : resolve(result)),
    );
    // autocannon's own histogram keeps whole milliseconds; the raw response times are finer.
    if (latencies) {
      instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
        latencies.push(ms);
        if (!byStatus) return;
        let samples = byStatus.get(status);
        if (!samples) byStatus.set(status, (samples = new Samples()));
        samples.push(ms);
      });
    }
  });
}

export interface HttpLoadResult {
  /** 2xx answers per second. */
  requestsPerSec: number;
  requests: number;
  ok: number;
  non2xx: number;
  /** Non-2xx answers, connection errors and timeouts. */
  errors: number;
  timeouts: number;
  connections: number;
  durationSec: number;
  latency: LatencyStats;
  /** Answers by HTTP status. */
  statusCodes?: Record<string, number>;
  /** Latency of the answers of each HTTP status (when the plan asks for it). */
  latencyByStatus?: Record<string, LatencyStats>;
  /** The first distinct non-2xx answers (status and body start) and how often each came. */
  failures?: { answer: string; count: number }[];
  /** Filled in by the orchestrator: CPU seconds during the run of the system's processes, of Redis + PostgreSQL, and of autocannon. */
  cpuSeconds?: { system: number; services: number; loadGenerator: number };
  /** When several runs were merged. */
  rounds?: number;
}

async function measure(plan: HttpLoadPlan): Promise<HttpLoadResult> {
  if (plan.warmupSec > 0) await run(plan, plan.warmupSec);
  const latencies = new Samples();
  const byStatus = plan.latencyByStatus ? new Map<number, Samples>() : undefined;
  failures.clear();
  const result = await run(plan, plan.durationSec, latencies, byStatus);
  const statusCodes: Record<string, number> = {};
  for (const [code, stats] of Object.entries((result as unknown as { statusCodeStats?: Record<string, { count: number }> }).statusCodeStats ?? {})) {
    statusCodes[code] = stats.count;
  }
  const ok = result['2xx'];
  return {
    requestsPerSec: ok / (result.duration || plan.durationSec),
    requests: result.requests.total,
    ok,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts + result.non2xx,
    timeouts: result.timeouts,
    connections: plan.connections,
    durationSec: result.duration,
    latency: summarize(latencies.view()),
    statusCodes,
    ...(byStatus ? { latencyByStatus: Object.fromEntries([...byStatus].map(([status, samples]) => [String(status), summarize(samples.view())])) } : {}),
    failures: [...failures].map(([answer, count]) => ({ answer, count })),
  };
}

serve({ measure });
