import { SettingsError } from '@cleave/platform/config';
import { TracingSettings } from './tracing.settings';

const readTracingSettings = (env: Record<string, string | undefined>) => TracingSettings.from(env);

describe('readTracingSettings', () => {
  it('traces everything into a bounded store by default', () => {
    const settings = readTracingSettings({});
    expect({ enabled: settings.enabled, otlpEndpoint: settings.otlpEndpoint, sampleRatio: settings.sampleRatio, store: settings.store, flushDelayMs: settings.flushDelayMs }).toEqual({
      enabled: true,
      otlpEndpoint: undefined,
      sampleRatio: 1,
      store: { maxTraces: 1000, maxSpansPerTrace: 200, maxSpans: 20_000, ttlSeconds: 3600 },
      flushDelayMs: 200,
    });
  });

  it('records a tenth of the traces in production, and the failed and slow ones', () => {
    const production = readTracingSettings({ NODE_ENV: 'production' });
    expect({ sampleRatio: production.sampleRatio, notable: production.notable }).toEqual({ sampleRatio: 0.1, notable: { errors: true, slowMs: 1000 } });
    expect(readTracingSettings({ NODE_ENV: 'production', OTEL_TRACES_SAMPLER: 'parentbased_always_on' }).sampleRatio).toBe(1);
    expect(readTracingSettings({ NODE_ENV: 'production', OTEL_TRACES_SAMPLER_ARG: '0.5', CLEAVE_TRACES_KEEP_SLOW_MS: '0' })).toMatchObject({ sampleRatio: 0.5, notable: { slowMs: 0 } });
  });

  it('reads the OpenTelemetry variables', () => {
    const settings = readTracingSettings({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: '0.25',
    });
    expect(settings).toMatchObject({ otlpEndpoint: 'http://collector:4318', sampleRatio: 0.25 });
    expect(readTracingSettings({ OTEL_SDK_DISABLED: 'true' }).enabled).toBe(false);
  });

  it.each([
    { OTEL_SDK_DISABLED: 'yes' },
    { OTEL_TRACES_SAMPLER: 'always_off' },
    { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '2' },
    { CLEAVE_TRACES_MAX: '0' },
    { CLEAVE_TRACE_MAX_SPANS: '500', CLEAVE_TRACES_MAX_SPANS: '100' },
  ])('refuses %p', (env) => {
    expect(() => readTracingSettings(env)).toThrow(SettingsError);
  });
});
