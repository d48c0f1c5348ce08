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
