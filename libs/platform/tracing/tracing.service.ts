import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { PROCESS_IDENTITY, ProcessIdentity } from '@cleave/platform/process';
import { CallContextManager } from '@cleave/platform/context';
import { MemorySpanStore, MemoryStoreSpanProcessor } from './memory-span-store';
import { ParentOrRatioSampler } from './parent-or-ratio.sampler';
import { NotableSpanProcessor } from './notable-span.processor';
import { RedisSpanExporter, RedisSpanStore } from './redis-span-store';
import { SPAN_STORE, SpanStore } from './span-store';
import { resetCleaveTracer, TRACER_NAME } from './trace-context';
import { TracingSettings } from './tracing.settings';

/**
 * Installs the OpenTelemetry SDK for this process: the context manager (over the bus's call context), the
 * W3C trace context propagator, and a tracer provider (a trace is recorded as the incoming
 * `traceparent` says, else with probability OTEL_TRACES_SAMPLER_ARG: 1 by default, 0.1 in
 * production, plus the root span of a failed or slow request the ratio left out) whose spans
 * go to the OTLP endpoint when one is configured, else to the span store. Flushes on shutdown.
 */
@Injectable()
export class TracingService implements OnModuleInit, BeforeApplicationShutdown, OnApplicationShutdown {
  private readonly logger = new Logger('Tracing');
  private provider?: BasicTracerProvider;
  private installed = { context: false, propagation: false, provider: false };

  constructor(
    private readonly settings: TracingSettings,
    @Inject(PROCESS_IDENTITY) private readonly bus: ProcessIdentity,
    @Optional() @Inject(SPAN_STORE) private readonly store: SpanStore | null,
  ) {}

  onModuleInit(): void {
    // Context and propagation work even with the SDK off: trace ids still cross the bus.
    this.installed.context = context.setGlobalContextManager(new CallContextManager());
    this.installed.propagation = propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    if (!this.settings.enabled) return;

    this.provider = new BasicTracerProvider({
      resource: resourceFromAttributes({
        'service.namespace': 'cleave',
        'service.name': this.bus.processName,
        'service.instance.id': this.bus.instanceId,
      }),
      sampler: new ParentOrRatioSampler(this.settings.sampleRatio, this.keepsNotable()),
      spanProcessors: [this.keepsNotable() ? new NotableSpanProcessor(this.processor(), this.settings.notable) : this.processor()],
    });
    this.installed.provider = trace.setGlobalTracerProvider(this.provider);
    // Cleave's own spans use this provider even if something else registered a global one first.
    resetCleaveTracer(this.provider.getTracer(TRACER_NAME));
    const where = this.settings.otlpEndpoint ? `OTLP at ${this.settings.otlpEndpoint}` : `the ${this.store?.kind} span store`;
    this.logger.log(`Spans go to ${where}`);
  }

  /** A ratio under 1 and something worth keeping of what it leaves out. */
  private keepsNotable(): boolean {
    const { errors, slowMs } = this.settings.notable;
    return this.settings.sampleRatio < 1 && (errors || slowMs > 0);
  }

  private processor(): SpanProcessor {
    if (this.settings.otlpEndpoint) return new BatchSpanProcessor(new OTLPTraceExporter());
    if (this.store instanceof MemorySpanStore) return new MemoryStoreSpanProcessor(this.store);
    if (this.store instanceof RedisSpanStore) {
      return new BatchSpanProcessor(new RedisSpanExporter(this.store), {
        scheduledDelayMillis: this.settings.flushDelayMs,
        maxExportBatchSize: 512,
        maxQueueSize: 8192,
        exportTimeoutMillis: 5000,
      });
    }
    throw new Error('Tracing is on but has neither an OTLP endpoint nor a span store');
  }

  /** Before the transports and connections close: what has ended so far is written. */
  async beforeApplicationShutdown(): Promise<void> {
    if (this.provider) await bounded(this.provider.forceFlush());
  }

  /** Last: the spans of requests drained during shutdown, then the SDK is taken down. */
  async onApplicationShutdown(): Promise<void> {
    if (this.provider) await bounded(this.provider.shutdown());
    resetCleaveTracer();
    if (this.installed.provider) trace.disable();
    if (this.installed.propagation) propagation.disable();
    if (this.installed.context) context.disable();
    this.installed = { context: false, propagation: false, provider: false };
  }
}

/** A collector that does not answer must not hold up the shutdown for long. */
const FLUSH_LIMIT_MS = 2000;

async function bounded(work: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<void>((resolve) => (timer = setTimeout(resolve, FLUSH_LIMIT_MS)));
  await Promise.race([work.catch(() => undefined), limit]);
  clearTimeout(timer);
}
