import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, SpanKind, trace } from '@opentelemetry/api';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, InMemorySpanExporter, ReadableSpan, SamplingDecision, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { ensureRedis } from '../../../test/support/redis';
import { createRedisConnection, RedisConnection, RedisKeys } from '@cleave/platform/redis';
import { MemorySpanStore, MemoryStoreSpanProcessor } from './memory-span-store';
import { ParentOrRatioSampler } from './parent-or-ratio.sampler';
import { RedisSpanStore } from './redis-span-store';
import { SpanStoreLimits } from './span-store';
import { formatTraceparent, parseTraceparent } from './trace-context';

const limits: SpanStoreLimits = { maxTraces: 3, maxSpansPerTrace: 4, maxSpans: 10, ttlSeconds: 60 };
const origin = { process: 'orders', instance: 'orders-1' };

/** Finished SDK spans, made by a real tracer: a root and `children` children per trace. */
function makeTrace(children: number, name = 'GET /x'): ReadableSpan[] {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ resource: resourceFromAttributes({}), spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const tracer = provider.getTracer('test');
  const root = tracer.startSpan(name, { kind: SpanKind.SERVER }, ROOT_CONTEXT);
  const parent = trace.setSpan(ROOT_CONTEXT, root);
  for (let i = 0; i < children; i++) tracer.startSpan(`child ${i}`, { kind: SpanKind.CLIENT, attributes: { i } }, parent).end();
  root.end();
  return exporter.getFinishedSpans();
}

describe('traceparent', () => {
  it('formats and parses W3C trace context', () => {
    const value = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const parsed = parseTraceparent(value);
    expect(parsed).toEqual({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1, isRemote: true });
    expect(formatTraceparent(parsed!)).toBe(value);
    expect(parseTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00')?.traceFlags).toBe(0);
    // A later version is read as 00, extra fields ignored.
    expect(parseTraceparent('01-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra')?.spanId).toBe('b7ad6b7169203331');
  });

  it.each([
    undefined,
    '',
    'garbage',
    '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01-extra',
    '00-00000000000000000000000000000000-b7ad6b7169203331-01',
    '00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01',
    'ff-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    '00-0AF7651916CD43DD8448EB211C80319C-b7ad6b7169203331-01',
  ])('rejects %p', (value) => {
    expect(parseTraceparent(value)).toBeUndefined();
  });
});

describe('MemorySpanStore', () => {
  it('keeps whole traces, parented, in start order, with the root named', async () => {
    const store = new MemorySpanStore(origin, limits);
    const processor = new MemoryStoreSpanProcessor(store);
    const spans = makeTrace(2, 'POST /orders');
    spans.forEach((s) => processor.onEnd(s));
    const traceId = spans[0].spanContext().traceId;

    const stored = await store.trace(traceId);
    expect(stored).toHaveLength(3);
    expect(stored[0]).toMatchObject({ name: 'POST /orders', kind: 'server', process: 'orders', instance: 'orders-1', status: 'unset' });
    expect(stored[0].parentSpanId).toBeUndefined();
    expect(stored.slice(1).every((s) => s.parentSpanId === stored[0].spanId && s.kind === 'client')).toBe(true);
    expect(await store.recent(10)).toEqual([expect.objectContaining({ traceId, name: 'POST /orders', spanCount: 3, processes: ['orders'], errors: 0 })]);
    expect(await store.trace('f'.repeat(32))).toEqual([]);
  });

  it('is bounded: oldest traces go first, an overfull trace keeps its latest spans', async () => {
    const store = new MemorySpanStore(origin, limits);
    const traces = [makeTrace(0), makeTrace(0), makeTrace(0), makeTrace(0)];
    traces.flat().forEach((s) => store.add(s));
    expect(store.size).toBe(3);
    const ids = traces.map((t) => t[0].spanContext().traceId);
    expect(await store.trace(ids[0])).toEqual([]);
    expect((await store.recent(10)).map((t) => t.traceId)).toEqual([ids[3], ids[2], ids[1]]);
    expect((await store.recent(2)).map((t) => t.traceId)).toEqual([ids[3], ids[2]]);

    const big = makeTrace(6, 'big');
    big.forEach((s) => store.add(s));
    const kept = await store.trace(big[0].spanContext().traceId);
    expect(kept).toHaveLength(limits.maxSpansPerTrace);
    expect(kept.some((s) => s.name === 'big')).toBe(true); // the root ends last and survives
  });

  it('is bounded in spans overall', async () => {
    const store = new MemorySpanStore(origin, { ...limits, maxTraces: 100 });
    const traces = Array.from({ length: 6 }, () => makeTrace(2)); // 3 spans each, 10 at most in all
    traces.flat().forEach((s) => store.add(s));
    expect(store.size).toBe(3);
    expect((await store.recent(10)).reduce((n, t) => n + t.spanCount, 0)).toBeLessThanOrEqual(limits.maxSpans);
  });
});

describe('RedisSpanStore', () => {
  let redis: RedisConnection;
  let redisUrl: string;
  let keys: RedisKeys;
  let prefix: string;

  beforeAll(async () => {
    redisUrl = (await ensureRedis()).url;
    redis = createRedisConnection({ mode: 'single', url: redisUrl });
    prefix = `cleave-test-spans-${randomBytes(4).toString('hex')}`;
    keys = new RedisKeys(prefix);
  });

  afterAll(async () => {
    const left = await redis.keys(`${prefix}:*`);
    if (left.length) await redis.del(...left);
    redis.disconnect();
  });

  it('merges the spans several processes wrote into one trace, read back by any', async () => {
    const spans = makeTrace(3, 'POST /orders');
    const gateway = new RedisSpanStore(redis, keys, { process: 'gateway', instance: 'g-1' }, limits);
    const orders = new RedisSpanStore(redis, keys, origin, limits);
    await orders.write(spans.slice(0, 3));
    await gateway.write(spans.slice(3));
    const traceId = spans[0].spanContext().traceId;

    const stored = await gateway.trace(traceId);
    expect(stored).toHaveLength(4);
    expect(new Set(stored.map((s) => s.process))).toEqual(new Set(['gateway', 'orders']));
    expect(stored[0]).toMatchObject({ name: 'POST /orders', process: 'gateway' });
    expect(await redis.ttl(keys.trace(traceId))).toBeGreaterThan(0);
    expect(await orders.recent(5)).toEqual([expect.objectContaining({ traceId, name: 'POST /orders', spanCount: 4, processes: ['gateway', 'orders'] })]);
  });

  it('is bounded: the index keeps the newest traces and the lists of dropped ones are deleted', async () => {
    const store = new RedisSpanStore(redis, keys, origin, limits);
    const traces: ReadableSpan[][] = [];
    for (let i = 0; i < 5; i++) {
      traces.push(makeTrace(6));
      await store.write(traces[i]);
      await new Promise((resolve) => setTimeout(resolve, 2)); // distinct start times
    }
    expect(await redis.zcard(keys.traces())).toBe(limits.maxTraces);
    const ids = traces.map((t) => t[0].spanContext().traceId);
    expect(await redis.exists(keys.trace(ids[0]), keys.trace(ids[1]))).toBe(0);
    expect(await redis.llen(keys.trace(ids[4]))).toBe(limits.maxSpansPerTrace);
    expect((await store.recent(10)).map((t) => t.traceId)).toEqual([ids[4], ids[3], ids[2]]);
  });
});

describe('ParentOrRatioSampler', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
  const withParent = (sampled: boolean) => trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '00f067aa0ba902b7', traceFlags: sampled ? 1 : 0 });

  it('follows the parent, whatever the ratio, and samples roots by ratio', () => {
    for (const ratio of [0, 0.5, 1]) {
      const sampler = new ParentOrRatioSampler(ratio);
      expect(sampler.shouldSample(withParent(true), traceId).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
      expect(sampler.shouldSample(withParent(false), traceId).decision).toBe(SamplingDecision.NOT_RECORD);
    }
    expect(new ParentOrRatioSampler(1).shouldSample(ROOT_CONTEXT, traceId).decision).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(new ParentOrRatioSampler(0).shouldSample(ROOT_CONTEXT, traceId).decision).toBe(SamplingDecision.NOT_RECORD);
  });
});

describe('ParentOrRatioSampler recording roots', () => {
  const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';

  it('records a root the ratio leaves out, unsampled, and nothing under an unsampled parent', () => {
    const sampler = new ParentOrRatioSampler(0, true);
    expect(sampler.shouldSample(ROOT_CONTEXT, traceId).decision).toBe(SamplingDecision.RECORD);
    const unsampledParent = trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: '00f067aa0ba902b7', traceFlags: 0 });
    expect(sampler.shouldSample(unsampledParent, traceId).decision).toBe(SamplingDecision.NOT_RECORD);
  });
});

