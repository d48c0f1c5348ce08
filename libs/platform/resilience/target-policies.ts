import { Logger } from '@nestjs/common';
import {
  BrokenCircuitError,
  BulkheadRejectedError,
  bulkhead,
  BulkheadPolicy,
  circuitBreaker,
  CircuitBreakerPolicy,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  halfJitterGenerator,
  handleWhen,
  IPolicy,
  noop,
  retry,
  SamplingBreaker,
  wrap,
} from 'cockatiel';
import { CleaveError, ServiceUnavailableError } from '@cleave/contracts/kernel/errors';
import { ResilienceConfig, resolvePolicy } from './resilience.config';
import { ResilienceMetrics } from './resilience.metrics';

/** One call attempt, given the milliseconds it may take. */
export type Attempt<T> = (timeoutMs: number) => Promise<T>;

/** A call's policy: execute it with a deadline in ms (undefined: the configured or bus default). */
export interface CallPolicy {
  readonly timeoutMs?: number;
  execute<T>(attempt: Attempt<T>, deadlineMs: number): Promise<T>;
}

export type BreakerStateName = 'closed' | 'half-open' | 'open';

interface TargetGuards {
  breaker?: CircuitBreakerPolicy;
  bulkhead?: BulkheadPolicy;
  /** Refreshes the bulkhead gauges; called as calls enter and leave. */
  observe(): void;
}

/** Set on a failure that left the call no time for another attempt. */
const OUT_OF_TIME = Symbol('outOfTime');
/** Set on a call given up before it was sent (its budget spent, e.g. waiting for a bulkhead slot). */
const NOT_SENT = Symbol('notSent');

type Marked = { [OUT_OF_TIME]?: boolean; [NOT_SENT]?: boolean };

/**
 * Only failures of the target itself (timeouts, unreachable) count; a 404 or 409 is an
 * answer, and a call that was never sent says nothing about the target.
 */
const targetFailure = handleWhen((error) => error instanceof CleaveError && error.retryable && !(error as Marked)[NOT_SENT]);

/** Worth another attempt: a failure of the target, with time left to try again. */
const retryableInTime = handleWhen(
  (error) => error instanceof CleaveError && error.retryable && !(error as Marked)[OUT_OF_TIME] && !(error as Marked)[NOT_SENT],
);

/** Below this much time left, another attempt could not get an answer back anyway. */
const MIN_ATTEMPT_MS = 5;

/**
 * The resilience policies of every target this process calls. A breaker and a bulkhead per
 * target module (shared by its patterns: a sick module is sick for all of them); timeout
 * and retry per pattern. Built on cockatiel; only the mapping to Cleave's typed errors, the
 * deadline arithmetic and the metrics are ours.
 */
export class TargetPolicies {
  private readonly logger = new Logger('Resilience');
  private readonly targets = new Map<string, TargetGuards>();
  private readonly metrics = new ResilienceMetrics();

  private generation = 0;

  constructor(private config: ResilienceConfig) {}

  /**
   * The policy of one request; `idempotent` comes from the contract and gates retries. A
   * `local` target (hosted by this process) gets its timeout and bulkhead only: there is no
   * network to retry across and no remote failure for a breaker to isolate. It follows the
   * configuration: after `reconfigure` the next call runs under the new policy.
   */
  forCall(target: string, name: string, idempotent: boolean, local = false): CallPolicy {
    let built: { generation: number; policy: CallPolicy } | undefined;
    const current = () => {
      if (built?.generation !== this.generation) built = { generation: this.generation, policy: this.build(target, name, idempotent, local) };
      return built.policy;
    };
    return {
      get timeoutMs() {
        return current().timeoutMs;
      },
      execute: (attempt, deadlineMs) => current().execute(attempt, deadlineMs),
    };
  }

  /**
   * New policies for the calls that follow. A target whose breaker or bulkhead settings
   * changed gets fresh ones (calls in flight finish under the old); the others keep theirs,
   * state included.
   */
  reconfigure(config: ResilienceConfig): void {
    for (const target of [...this.targets.keys()]) {
      const before = resolvePolicy(this.config, target, '');
      const after = resolvePolicy(config, target, '');
      if (JSON.stringify([before.breaker, before.bulkhead]) !== JSON.stringify([after.breaker, after.bulkhead])) this.targets.delete(target);
    }
    this.config = config;
    this.generation++;
  }

  private build(target: string, name: string, idempotent: boolean, local: boolean): CallPolicy {
    const pattern = `${target}.${name}`;
    const resolved = resolvePolicy(this.config, target, name);
    const guards = this.guards(target);
    const retryPolicy = !local && idempotent && resolved.retry ? this.retryPolicy(pattern, resolved.retry) : undefined;
    // Retry outermost (a wait between attempts holds no slot), then the bulkhead (local
    // overload is not the target's failure), then the breaker around the attempt itself.
    const policies = [retryPolicy, guards.bulkhead, local ? undefined : guards.breaker].filter(Boolean) as IPolicy[];
    const policy = policies.length ? wrap(...policies) : noop;
    return {
      timeoutMs: resolved.timeoutMs,
      execute: async <T>(attempt: Attempt<T>, deadlineMs: number): Promise<T> => {
        const deadline = Date.now() + deadlineMs;
        const running = policy.execute(async () => {
          const left = deadline - Date.now();
          if (left < MIN_ATTEMPT_MS) {
            const error = new ServiceUnavailableError(`${target} did not answer ${pattern} within ${deadlineMs} ms`, { target, pattern });
            throw Object.defineProperty(error, NOT_SENT, { value: true });
          }
          try {
            return await attempt(left);
          } catch (error) {
            if (error instanceof CleaveError && deadline - Date.now() < MIN_ATTEMPT_MS) Object.defineProperty(error, OUT_OF_TIME, { value: true });
            throw error;
          }
        });
        guards.observe();
        try {
          return await running;
        } catch (error) {
          throw this.explain(error, target, pattern, resolved.bulkhead);
        } finally {
          guards.observe();
        }
      },
    };
  }

  /** Breaker state per target, for health and logs. */
  breakerStates(): Record<string, BreakerStateName> {
    const states: Record<string, BreakerStateName> = {};
    for (const [target, guards] of this.targets) if (guards.breaker) states[target] = stateName(guards.breaker.state);
    return states;
  }

  private guards(target: string): TargetGuards {
    let guards = this.targets.get(target);
    if (guards) return guards;
    const resolved = resolvePolicy(this.config, target, '');
    guards = { observe: () => undefined };
    if (resolved.breaker) {
      const spec = resolved.breaker;
      const breaker = spec.failureRatio !== undefined
        ? new SamplingBreaker({ threshold: spec.failureRatio, duration: spec.sampleDurationMs!, minimumRps: spec.minimumRps })
        : new ConsecutiveBreaker(spec.consecutiveFailures!);
      const policy = circuitBreaker(targetFailure, { halfOpenAfter: spec.halfOpenAfterMs, breaker });
      const gauge = this.metrics.breakerState.labels(target);
      gauge.set(0);
      policy.onStateChange((state) => {
        gauge.set(state === CircuitState.Open || state === CircuitState.Isolated ? 2 : state === CircuitState.HalfOpen ? 1 : 0);
        const log = state === CircuitState.Closed ? 'log' : 'warn';
        this.logger[log](`Circuit breaker for ${target} is now ${stateName(state)}`);
      });
      guards.breaker = policy;
    }
    if (resolved.bulkhead) {
      const { maxConcurrent, maxQueue } = resolved.bulkhead;
      const policy = bulkhead(maxConcurrent, maxQueue);
      const active = this.metrics.bulkheadActive.labels(target);
      const queued = this.metrics.bulkheadQueued.labels(target);
      guards.observe = () => {
        active.set(maxConcurrent - policy.executionSlots);
        queued.set(maxQueue - policy.queueSlots);
      };
      guards.observe();
      guards.bulkhead = policy;
    }
    this.targets.set(target, guards);
    return guards;
  }

  private retryPolicy(pattern: string, spec: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number }) {
    const policy = retry(retryableInTime, {
      maxAttempts: spec.maxAttempts - 1,
      // Exponential with half jitter: each wait falls in [d/2, d] for a doubling d, so waits
      // grow, and callers that failed together do not retry together.
      backoff: new ExponentialBackoff({ initialDelay: spec.initialDelayMs, maxDelay: spec.maxDelayMs, generator: halfJitterGenerator }),
    });
    const counter = this.metrics.retries.labels(pattern);
    policy.onRetry(() => counter.inc());
    return policy;
  }

  private explain(error: unknown, target: string, pattern: string, limits?: { maxConcurrent: number; maxQueue: number }): unknown {
    if (error instanceof BrokenCircuitError) {
      this.metrics.rejected.labels(target, 'breaker-open').inc();
      return new ServiceUnavailableError(`${target} is failing: its circuit breaker is open, ${pattern} was not sent`, { target, pattern, breaker: 'open' });
    }
    if (error instanceof BulkheadRejectedError) {
      this.metrics.rejected.labels(target, 'bulkhead-full').inc();
      return new ServiceUnavailableError(`Too many calls to ${target} in flight from this process, ${pattern} was refused`, {
        target,
        pattern,
        maxConcurrent: limits?.maxConcurrent,
        maxQueue: limits?.maxQueue,
      });
    }
    return error;
  }
}

function stateName(state: CircuitState): BreakerStateName {
  return state === CircuitState.Closed ? 'closed' : state === CircuitState.HalfOpen ? 'half-open' : 'open';
}
