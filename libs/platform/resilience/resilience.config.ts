/**
 * Resilience policies per target module, overridable per message pattern, from
 * config/resilience.json. Resolution, most specific first: the pattern's own settings, the
 * target's, the defaults. A policy part set to `false` switches it off at that level.
 */

export interface RetrySpec {
  /** Attempts in all, the first included. Only idempotent requests are ever retried. */
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export interface BreakerSpec {
  /** Opens after this many failures in a row... */
  consecutiveFailures?: number;
  /** ...or when this share of calls failed within `sampleDurationMs` (at `minimumRps` or more). */
  failureRatio?: number;
  sampleDurationMs?: number;
  minimumRps?: number;
  /** An open breaker lets one trial call through after this long. */
  halfOpenAfterMs: number;
}

export interface BulkheadSpec {
  /** Calls to the target running at once from this process... */
  maxConcurrent: number;
  /** ...and calls allowed to wait for a slot; the rest are refused at once. */
  maxQueue: number;
}

export interface PolicySpec {
  timeoutMs?: number;
  retry?: RetrySpec | false;
  breaker?: BreakerSpec | false;
  bulkhead?: BulkheadSpec | false;
}

export interface ResilienceConfig {
  defaults: PolicySpec;
  targets: Record<string, PolicySpec & { patterns?: Record<string, PolicySpec> }>;
}

/** What applies to one target (breaker, bulkhead) and to one of its patterns (timeout, retry). */
export interface ResolvedPolicy {
  timeoutMs?: number;
  retry?: RetrySpec;
  breaker?: BreakerSpec;
  bulkhead?: BulkheadSpec;
}

export const DEFAULT_RESILIENCE: ResilienceConfig = {
  defaults: {
    retry: { maxAttempts: 3, initialDelayMs: 25, maxDelayMs: 500 },
    breaker: { consecutiveFailures: 5, halfOpenAfterMs: 5000 },
    bulkhead: { maxConcurrent: 256, maxQueue: 1024 },
  },
  targets: {},
};

export class ResilienceConfigError extends Error {}

export function parseResilienceConfig(raw: unknown, source = 'resilience config'): ResilienceConfig {
  const problems: string[] = [];
  if (!isRecord(raw)) throw new ResilienceConfigError(`${source}: expected an object with "defaults" and "targets"`);
  const defaults = checkPolicy(raw.defaults ?? {}, 'defaults', problems);
  const targets: ResilienceConfig['targets'] = {};
  if (raw.targets !== undefined && !isRecord(raw.targets)) problems.push('"targets" must map module names to policies');
  for (const [target, spec] of Object.entries(isRecord(raw.targets) ? raw.targets : {})) {
    const policy = checkPolicy(spec, `targets.${target}`, problems, true);
    const patterns: Record<string, PolicySpec> = {};
    const rawPatterns = isRecord(spec) ? spec.patterns : undefined;
    if (rawPatterns !== undefined && !isRecord(rawPatterns)) problems.push(`targets.${target}.patterns must map request names to policies`);
    for (const [pattern, patternSpec] of Object.entries(isRecord(rawPatterns) ? rawPatterns : {})) {
      const checked = checkPolicy(patternSpec, `targets.${target}.patterns.${pattern}`, problems);
      if (checked.breaker !== undefined || checked.bulkhead !== undefined) {
        problems.push(`targets.${target}.patterns.${pattern}: breaker and bulkhead are per target; set them on targets.${target}`);
      }
      patterns[pattern] = checked;
    }
    targets[target] = { ...policy, patterns };
  }
  if (problems.length) throw new ResilienceConfigError(`${source} is invalid:\n  - ${problems.join('\n  - ')}`);
  return { defaults, targets };
}

export function resolvePolicy(config: ResilienceConfig, target: string, pattern: string): ResolvedPolicy {
  const levels = [config.defaults, config.targets[target] ?? {}, config.targets[target]?.patterns?.[pattern] ?? {}];
  const pick = <K extends keyof PolicySpec>(key: K): Exclude<PolicySpec[K], false> | undefined => {
    let value: PolicySpec[K] | undefined;
    for (const level of levels) if (level[key] !== undefined) value = level[key];
    return value === false ? undefined : (value as Exclude<PolicySpec[K], false> | undefined);
  };
  return { timeoutMs: pick('timeoutMs'), retry: pick('retry'), breaker: pick('breaker'), bulkhead: pick('bulkhead') };
}

const KNOWN = ['timeoutMs', 'retry', 'breaker', 'bulkhead'];

function checkPolicy(raw: unknown, at: string, problems: string[], allowPatterns = false): PolicySpec {
  if (!isRecord(raw)) {
    problems.push(`${at} must be an object`);
    return {};
  }
  for (const key of Object.keys(raw)) {
    if (!KNOWN.includes(key) && !(allowPatterns && key === 'patterns')) problems.push(`${at}: unknown setting "${key}" (known: ${KNOWN.join(', ')})`);
  }
  const spec: PolicySpec = {};
  if (raw.timeoutMs !== undefined) spec.timeoutMs = positiveInt(raw.timeoutMs, `${at}.timeoutMs`, problems);
  if (raw.retry !== undefined) {
    spec.retry = raw.retry === false ? false : {
      maxAttempts: positiveInt(field(raw.retry, 'maxAttempts'), `${at}.retry.maxAttempts`, problems),
      initialDelayMs: positiveInt(field(raw.retry, 'initialDelayMs'), `${at}.retry.initialDelayMs`, problems),
      maxDelayMs: positiveInt(field(raw.retry, 'maxDelayMs'), `${at}.retry.maxDelayMs`, problems),
    };
  }
  if (raw.breaker !== undefined) {
    if (raw.breaker === false) spec.breaker = false;
    else {
      const b = raw.breaker;
      const breaker: BreakerSpec = { halfOpenAfterMs: positiveInt(field(b, 'halfOpenAfterMs'), `${at}.breaker.halfOpenAfterMs`, problems) };
      if (field(b, 'consecutiveFailures') !== undefined) breaker.consecutiveFailures = positiveInt(field(b, 'consecutiveFailures'), `${at}.breaker.consecutiveFailures`, problems);
      if (field(b, 'failureRatio') !== undefined) {
        const ratio = field(b, 'failureRatio');
        if (typeof ratio !== 'number' || ratio <= 0 || ratio > 1) problems.push(`${at}.breaker.failureRatio must be a number in (0, 1]`);
        breaker.failureRatio = ratio as number;
        breaker.sampleDurationMs = positiveInt(field(b, 'sampleDurationMs') ?? 10_000, `${at}.breaker.sampleDurationMs`, problems);
        breaker.minimumRps = positiveInt(field(b, 'minimumRps') ?? 5, `${at}.breaker.minimumRps`, problems);
      }
      if ((breaker.consecutiveFailures === undefined) === (breaker.failureRatio === undefined)) {
        problems.push(`${at}.breaker needs exactly one of consecutiveFailures or failureRatio`);
      }
      spec.breaker = breaker;
    }
  }
  if (raw.bulkhead !== undefined) {
    spec.bulkhead = raw.bulkhead === false ? false : {
      maxConcurrent: positiveInt(field(raw.bulkhead, 'maxConcurrent'), `${at}.bulkhead.maxConcurrent`, problems),
      maxQueue: nonNegativeInt(field(raw.bulkhead, 'maxQueue'), `${at}.bulkhead.maxQueue`, problems),
    };
  }
  return spec;
}

function field(value: unknown, name: string): unknown {
  return isRecord(value) ? value[name] : undefined;
}

function positiveInt(value: unknown, at: string, problems: string[]): number {
  if (!Number.isInteger(value) || (value as number) < 1) problems.push(`${at} must be a positive integer, got ${JSON.stringify(value)}`);
  return value as number;
}

function nonNegativeInt(value: unknown, at: string, problems: string[]): number {
  if (!Number.isInteger(value) || (value as number) < 0) problems.push(`${at} must be an integer >= 0, got ${JSON.stringify(value)}`);
  return value as number;
}

function isRecord(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
