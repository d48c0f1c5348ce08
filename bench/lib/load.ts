import { Samples } from './stats';

/** How the orchestrator drives a request/reply peer: rounds of these, alternating systems. */
export interface SequentialPlan {
  /** Calls made first and thrown away (JIT, connections, caches). */
  warmupCalls: number;
  /** Calls timed one by one, each after the previous answered: an unloaded system's latency. */
  calls: number;
}

export interface ConcurrentPlan {
  /** Calls kept in flight. */
  inFlight: number;
  /** Unmeasured run at `inFlight` first. */
  warmupMs: number;
  durationMs: number;
}

export interface SequentialRun {
  latencies: number[];
  errors: number;
  firstError?: string;
}

export interface ConcurrentRun {
  calls: number;
  errors: number;
  elapsedMs: number;
  latencies: number[];
  firstError?: string;
}

export type Call = () => Promise<unknown>;

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : JSON.stringify(error);
}

export async function sequentialCalls(call: Call, plan: SequentialPlan): Promise<SequentialRun> {
  let firstError: string | undefined;
  for (let i = 0; i < plan.warmupCalls; i++) await call().catch((error) => (firstError ??= errorText(error)));
  const latencies = new Samples();
  let errors = 0;
  for (let i = 0; i < plan.calls; i++) {
    const started = performance.now();
    try {
      await call();
      latencies.push(performance.now() - started);
    } catch (error) {
      errors++;
      firstError ??= errorText(error);
    }
  }
  return { latencies: Array.from(latencies.view()), errors, firstError };
}

export async function concurrentCalls(call: Call, plan: ConcurrentPlan): Promise<ConcurrentRun> {
  let firstError: string | undefined;
  const onError = (error: unknown) => (firstError ??= errorText(error));
  await concurrent(call, plan.inFlight, plan.warmupMs, onError);
  const run = await concurrent(call, plan.inFlight, plan.durationMs, onError);
  return { calls: run.calls, errors: run.errors, elapsedMs: run.elapsedMs, latencies: thin(run.latencies.view(), 200_000), firstError };
}

/** At most `max` samples, evenly spaced (a million local calls a second would flood the IPC channel). */
function thin(samples: Float64Array, max: number): number[] {
  if (samples.length <= max) return Array.from(samples);
  const stride = samples.length / max;
  return Array.from({ length: max }, (_, i) => samples[Math.floor(i * stride)]);
}

/** The commands a request/reply client peer serves, for one way of making the call. */
export function callCommands(call: Call, prefix = ''): Record<string, (plan: any) => Promise<unknown>> {
  return {
    [`${prefix}sequential`]: (plan: SequentialPlan) => sequentialCalls(call, plan),
    [`${prefix}concurrent`]: (plan: ConcurrentPlan) => concurrentCalls(call, plan),
  };
}

/**
 * `inFlight` loops each awaiting one call after another until `durationMs` is up. Calls
 * completed (successfully) within the window count; `elapsedMs` runs until the last ends.
 */
export async function concurrent(
  call: Call,
  inFlight: number,
  durationMs: number,
  onError: (error: unknown) => void = () => undefined,
): Promise<{ calls: number; errors: number; elapsedMs: number; latencies: Samples }> {
  const latencies = new Samples();
  let calls = 0;
  let errors = 0;
  if (durationMs <= 0) return { calls, errors, elapsedMs: 0, latencies };
  const started = performance.now();
  const stopAt = started + durationMs;
  const loop = async () => {
    while (performance.now() < stopAt) {
      const t = performance.now();
      try {
        await call();
        latencies.push(performance.now() - t);
        calls++;
      } catch (error) {
        errors++;
        onError(error);
      }
    }
  };
  await Promise.all(Array.from({ length: inFlight }, loop));
  return { calls, errors, elapsedMs: performance.now() - started, latencies };
}

/** Epoch milliseconds with sub-millisecond precision, comparable across processes on one machine. */
export function epochMs(): number {
  return performance.timeOrigin + performance.now();
}

/** What an event producer child does: a paced phase for latency, then a flat-out phase for throughput. */
export interface EmitPlan {
  phase: string;
  /** Events to send. */
  count?: number;
  /** Or: send for this long. */
  durationMs?: number;
  /** Emits in flight (awaiting the transport's acknowledgement of the publish). */
  inFlight: number;
  /** Pause between emits of one loop (paced phase), 0 for flat out. */
  intervalMs: number;
}

export interface EmitResult {
  phase: string;
  emitted: number;
  errors: number;
  startedAt: number;
  endedAt: number;
  firstError?: string;
}

export type Emit = (payload: { n: number; sentAt: number; phase: string }) => Promise<unknown>;

export async function emitEvents(emit: Emit, plan: EmitPlan): Promise<EmitResult> {
  let next = 0;
  let errors = 0;
  let emitted = 0;
  let firstError: string | undefined;
  const startedAt = epochMs();
  const stopAt = plan.durationMs ? performance.now() + plan.durationMs : Infinity;
  const limit = plan.count ?? Infinity;
  const loop = async () => {
    while (next < limit && performance.now() < stopAt) {
      const n = next++;
      try {
        await emit({ n, sentAt: epochMs(), phase: plan.phase });
        emitted++;
      } catch (error) {
        errors++;
        firstError ??= (error as Error)?.message ?? String(error);
      }
      if (plan.intervalMs > 0) await new Promise((resolve) => setTimeout(resolve, plan.intervalMs));
    }
  };
  await Promise.all(Array.from({ length: plan.inFlight }, loop));
  return { phase: plan.phase, emitted, errors, startedAt, endedAt: epochMs(), firstError };
}

/** The receiving side of the events scenario: one record per handled event, per phase. */
export class EventSink {
  private phases = new Map<string, { latencies: Samples; ns: number[]; first: number; last: number }>();

  record(payload: { n: number; sentAt: number; phase: string }): void {
    const at = epochMs();
    let phase = this.phases.get(payload.phase);
    if (!phase) this.phases.set(payload.phase, (phase = { latencies: new Samples(), ns: [], first: at, last: at }));
    phase.latencies.push(at - payload.sentAt);
    phase.ns.push(payload.n);
    phase.last = at;
  }

  count(phase: string): number {
    return this.phases.get(phase)?.ns.length ?? 0;
  }

  /** Everything about one phase, for the orchestrator to merge across consumer instances. */
  take(phase: string): { handled: number; ns: number[]; latencies: number[]; first: number; last: number } {
    const p = this.phases.get(phase);
    if (!p) return { handled: 0, ns: [], latencies: [], first: NaN, last: NaN };
    return { handled: p.ns.length, ns: p.ns, latencies: Array.from(p.latencies.view()), first: p.first, last: p.last };
  }
}
