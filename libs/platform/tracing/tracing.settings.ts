import { defineSettings, setting } from '@cleave/platform/config';
import { SpanStoreLimits } from './span-store';
import { NotableSpans } from './notable-span.processor';

const SAMPLERS = ['parentbased_always_on', 'parentbased_traceidratio'] as const;

/** How this process traces, read once at start (OpenTelemetry's own variables where there is one). */
export class TracingSettings extends defineSettings(
  'tracing',
  'Tracing',
  {
    disabled: setting.boolean('OTEL_SDK_DISABLED', { default: false, doc: '`true` records no spans; trace ids still propagate' }),
    sampler: setting.oneOf('OTEL_TRACES_SAMPLER', SAMPLERS, {
      default: (context) => (context.env.NODE_ENV === 'production' ? 'parentbased_traceidratio' : 'parentbased_always_on'),
      defaultDoc: '`parentbased_always_on`, `parentbased_traceidratio` with `NODE_ENV=production`',
      doc: '`parentbased_traceidratio` records the share `OTEL_TRACES_SAMPLER_ARG` of the traces started here (a continued trace follows its caller), and the failed and slow ones',
    }),
    samplerArg: setting.number('OTEL_TRACES_SAMPLER_ARG', {
      default: (context) => (context.env.NODE_ENV === 'production' ? 0.1 : 1),
      defaultDoc: '`1`, `0.1` with `NODE_ENV=production`',
      min: 0,
      max: 1,
      doc: 'the ratio for `parentbased_traceidratio`',
    }),
    keepErrors: setting.boolean('CLEAVE_TRACES_KEEP_ERRORS', {
      default: true,
      doc: 'with a ratio under 1, a request the ratio left out that fails (5xx, a failed handler) still keeps its root span',
    }),
    keepSlowMs: setting.int('CLEAVE_TRACES_KEEP_SLOW_MS', {
      default: 1000,
      min: 0,
      doc: 'with a ratio under 1, a request the ratio left out that lasts at least this long still keeps its root span (0: never for its duration)',
    }),
    otlpBaseEndpoint: setting.optional('OTEL_EXPORTER_OTLP_ENDPOINT', {
      defaultDoc: 'unset: spans go to the built-in store',
      doc: 'an OTLP/HTTP collector (e.g. `http://collector:4318`): spans go there and nothing is kept',
    }),
    otlpTracesEndpoint: setting.optional('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', { defaultDoc: 'unset', doc: 'the collector\'s traces URL, over `OTEL_EXPORTER_OTLP_ENDPOINT`' }),
    maxTraces: setting.int('CLEAVE_TRACES_MAX', { default: 1000, min: 1, max: 1_000_000, doc: 'newest traces the built-in store keeps' }),
    maxSpansPerTrace: setting.int('CLEAVE_TRACE_MAX_SPANS', { default: 200, min: 1, max: 100_000, doc: 'spans kept per trace' }),
    maxSpans: setting.int('CLEAVE_TRACES_MAX_SPANS', { default: 20_000, min: 1, max: 10_000_000, doc: 'spans the in-memory store keeps in all' }),
    ttlSeconds: setting.int('CLEAVE_TRACES_TTL_SECONDS', { default: 3600, min: 1, doc: 'how long Redis keeps a trace after its last span (split)' }),
    flushDelayMs: setting.int('CLEAVE_TRACES_FLUSH_MS', { default: 200, min: 1, max: 60_000, doc: 'longest wait of finished spans before they are written to Redis' }),
  },
  (values) => (values.maxSpans < values.maxSpansPerTrace ? ['CLEAVE_TRACES_MAX_SPANS must be at least CLEAVE_TRACE_MAX_SPANS'] : []),
) {
  /** False with `OTEL_SDK_DISABLED=true`: spans are no-ops, trace context still propagates. */
  get enabled(): boolean {
    return !this.disabled;
  }

  /** Set: spans go to this OTLP/HTTP collector, and no store is kept. */
  get otlpEndpoint(): string | undefined {
    return this.otlpTracesEndpoint ?? this.otlpBaseEndpoint;
  }

  /** Share of traces started here that are recorded (a continued trace follows its parent). */
  get sampleRatio(): number {
    return this.sampler === 'parentbased_traceidratio' ? this.samplerArg : 1;
  }

  /** With a ratio under 1: which left-out requests still keep their root span. */
  get notable(): NotableSpans {
    return { errors: this.keepErrors, slowMs: this.keepSlowMs };
  }

  get store(): SpanStoreLimits {
    return { maxTraces: this.maxTraces, maxSpansPerTrace: this.maxSpansPerTrace, maxSpans: this.maxSpans, ttlSeconds: this.ttlSeconds };
  }
}
