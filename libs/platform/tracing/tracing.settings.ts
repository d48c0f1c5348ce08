import { Env, readInt, readOptional, SettingsError } from '@cleave/platform/config';
import { SpanStoreLimits } from './span-store';

/** How this process traces, read once at start. */
export interface TracingSettings {
  /** False with `OTEL_SDK_DISABLED=true`: spans are no-ops, trace context still propagates. */
  enabled: boolean;
  /** Set: spans go to this OTLP/HTTP collector, and no store is kept. */
  otlpEndpoint?: string;
  /** Share of traces started here that are recorded (a continued trace follows its parent). */
  sampleRatio: number;
  store: SpanStoreLimits;
  /** Redis store: how long a batch of finished spans may wait before it is written. */
  flushDelayMs: number;
}

export const TRACING_SETTINGS = Symbol('TRACING_SETTINGS');

export function readTracingSettings(env: Env): TracingSettings {
  const disabled = readOptional(env, 'OTEL_SDK_DISABLED')?.toLowerCase();
  if (disabled !== undefined && disabled !== 'true' && disabled !== 'false') throw new SettingsError(`OTEL_SDK_DISABLED must be true or false, got "${disabled}"`);
  const store: SpanStoreLimits = {
    maxTraces: readInt(env, 'CLEAVE_TRACES_MAX', 1000, 1, 1_000_000),
    maxSpansPerTrace: readInt(env, 'CLEAVE_TRACE_MAX_SPANS', 200, 1, 100_000),
    maxSpans: readInt(env, 'CLEAVE_TRACES_MAX_SPANS', 20_000, 1, 10_000_000),
    ttlSeconds: readInt(env, 'CLEAVE_TRACES_TTL_SECONDS', 3600, 1),
  };
  if (store.maxSpans < store.maxSpansPerTrace) throw new SettingsError('CLEAVE_TRACES_MAX_SPANS must be at least CLEAVE_TRACE_MAX_SPANS');
  const sampler = readOptional(env, 'OTEL_TRACES_SAMPLER') ?? 'parentbased_always_on';
  if (!['parentbased_always_on', 'parentbased_traceidratio'].includes(sampler)) {
    throw new SettingsError(`OTEL_TRACES_SAMPLER must be parentbased_always_on or parentbased_traceidratio, got "${sampler}"`);
  }
  let sampleRatio = 1;
  if (sampler === 'parentbased_traceidratio') {
    const raw = readOptional(env, 'OTEL_TRACES_SAMPLER_ARG') ?? '1';
    sampleRatio = Number(raw);
    if (!(sampleRatio >= 0 && sampleRatio <= 1)) throw new SettingsError(`OTEL_TRACES_SAMPLER_ARG must be a ratio from 0 to 1, got "${raw}"`);
  }
  return {
    enabled: disabled !== 'true',
    sampleRatio,
    otlpEndpoint: readOptional(env, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') ?? readOptional(env, 'OTEL_EXPORTER_OTLP_ENDPOINT'),
    store,
    flushDelayMs: readInt(env, 'CLEAVE_TRACES_FLUSH_MS', 200, 1, 60_000),
  };
}
