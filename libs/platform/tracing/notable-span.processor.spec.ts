import { context, SpanStatusCode, trace, TraceFlags } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NotableSpanProcessor } from './notable-span.processor';
import { ParentOrRatioSampler } from './parent-or-ratio.sampler';

describe('NotableSpanProcessor', () => {
  const exporter = new InMemorySpanExporter();
  // A ratio of 0: every root is left out by the ratio, and recorded only to be judged at its end.
  const provider = new BasicTracerProvider({
    sampler: new ParentOrRatioSampler(0, true),
    spanProcessors: [new NotableSpanProcessor(new SimpleSpanProcessor(exporter), { errors: true, slowMs: 50 })],
  });
  const tracer = provider.getTracer('test');
  const at = (ms: number): [number, number] => [1_700_000_000 + Math.floor(ms / 1000), (ms % 1000) * 1e6];
  afterEach(() => exporter.reset());
  afterAll(() => provider.shutdown());

  it('keeps a failed root span, marked sampled, and drops a quick one that succeeded', () => {
    const failed = tracer.startSpan('GET /boom', { startTime: at(0) });
    failed.setStatus({ code: SpanStatusCode.ERROR });
    failed.end(at(3));
    tracer.startSpan('GET /fine', { startTime: at(0) }).end(at(3));
    const kept = exporter.getFinishedSpans();
    expect(kept.map((s) => s.name)).toEqual(['GET /boom']);
    expect(kept[0].spanContext().traceFlags & TraceFlags.SAMPLED).toBe(TraceFlags.SAMPLED);
    expect(kept[0].spanContext().traceId).toBe(failed.spanContext().traceId);
  });

  it('keeps a root span at least as slow as the threshold', () => {
    tracer.startSpan('GET /slow', { startTime: at(0) }).end(at(50));
    tracer.startSpan('GET /almost', { startTime: at(0) }).end(at(49));
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['GET /slow']);
  });

  it('passes sampled spans as they are, and never records the children of a left-out root', () => {
    const always = new BasicTracerProvider({
      sampler: new ParentOrRatioSampler(1, true),
      spanProcessors: [new NotableSpanProcessor(new SimpleSpanProcessor(exporter), { errors: true, slowMs: 50 })],
    });
    always.getTracer('test').startSpan('GET /sampled').end();
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['GET /sampled']);
    exporter.reset();
    const root = tracer.startSpan('GET /root', { startTime: at(0) });
    expect(root.isRecording()).toBe(true);
    const child = tracer.startSpan('child', {}, trace.setSpan(context.active(), root));
    expect(child.isRecording()).toBe(false);
    return always.shutdown();
  });
});
