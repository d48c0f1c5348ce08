import { Writable } from 'node:stream';
import { Controller, Get, INestApplication, Injectable, Logger, Module } from '@nestjs/common';
import { context, trace } from '@opentelemetry/api';
import request from 'supertest';
import { clientFor, defineContract, event, request as busRequest } from '@cleave/contracts/kernel/contract';
import { NotFoundError } from '@cleave/contracts/kernel/errors';
import { Handles, OnEvent } from './bus.decorators';
import { BusModule } from './bus.module';
import { currentCall } from '@cleave/platform/context';
import { ServiceBus } from './service-bus';
import { Topology } from '@cleave/platform/process';
import { JsonLogger } from '@cleave/platform/logging';
import { startBusApp, testBusOptions } from '../../../test/support/bus-app';
import { eventually } from '../../../test/support/eventually';
import { SPAN_STORE, TracingSettings, SpanStore, StoredSpan, TracingModule } from '@cleave/platform/tracing';

const pingContract = defineContract('ping', {
  requests: { ping: busRequest<{ n: number }, { traceId?: string; module?: string }>(), missing: busRequest<object, never>() },
  events: { 'ping.done': event<{ n: number }>() },
});
abstract class PingClient extends clientFor(pingContract) {}

/** What the handlers saw of the active trace. */
const seen: { traceId?: string; module?: string; event?: string }[] = [];
const lines: Record<string, unknown>[] = [];
const logger = JsonLogger.create(
  { process: 'all', instance: 'all-1' },
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line));
      done();
    },
  }),
);
const handlerLog = new Logger('Ping');

@Controller()
class PingHandlers {
  constructor(private readonly bus: ServiceBus) {}

  @Handles(pingContract, 'ping')
  async onPing({ n }: { n: number }) {
    const traceId = trace.getSpan(context.active())?.spanContext().traceId;
    handlerLog.log(`ping ${n}`);
    await this.bus.publish(pingContract, 'ping.done', { n });
    return { traceId, module: currentCall()?.module };
  }

  @Handles(pingContract, 'missing')
  onMissing(): never {
    throw new NotFoundError('nothing here');
  }

  @OnEvent(pingContract, 'ping.done', 'audit')
  onDone() {
    seen.push({ event: 'ping.done', traceId: trace.getSpan(context.active())?.spanContext().traceId, module: currentCall()?.module });
  }
}

@Injectable()
class Caller {
  constructor(readonly ping: PingClient) {}
}

@Controller('hop')
class HopController {
  constructor(private readonly ping: PingClient) {}

  @Get()
  hop() {
    return this.ping.ping({ n: 1 });
  }

  @Get('missing')
  missing() {
    return this.ping.missing({}).catch(() => ({ missing: true }));
  }
}

@Module({ imports: [BusModule.forClients(PingClient)], controllers: [PingHandlers, HopController], providers: [Caller] })
class PingModule {}

const modules = ['ping', 'audit'];

describe('tracing in one process (no Redis)', () => {
  let app: INestApplication;
  let store: SpanStore;

  beforeAll(async () => {
    const topology = Topology.parse('one', { processes: { all: { gateway: true, modules } } }, modules);
    const bus = testBusOptions(topology, 'all', 'redis://127.0.0.1:1', 'unused', { instanceId: 'all-1' });
    app = await startBusApp(bus, [TracingModule.forRoot(TracingSettings.from()), PingModule], logger);
    store = app.get(SPAN_STORE);
  });

  afterAll(() => app?.close());

  async function spansOf(traceId: string, count: number): Promise<StoredSpan[]> {
    return eventually(async () => {
      const spans = await store.trace(traceId);
      if (spans.length < count) throw new Error(`${spans.length} of ${count} spans so far`);
      return spans;
    }, 3000, 10);
  }

  /** As configureHttp sets it from CLEAVE_TRUSTED_PROXIES: the test client on loopback stands for a trusted proxy. */
  const trustProxies = (value: string | false) => (app.getHttpAdapter().getInstance() as { set(name: string, value: unknown): void }).set('trust proxy', value);

  it('continues a trusted proxy’s traceparent: the same trace id in the handler, the event and the response', async () => {
    trustProxies('loopback');
    seen.length = 0;
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const res = await request(app.getHttpServer()).get('/hop').set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`).expect(200);
    expect(res.body).toEqual({ traceId, module: 'ping' });
    expect(res.headers['x-trace-id']).toBe(traceId);
    expect(res.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
    await eventually(async () => expect(seen.length).toBeGreaterThan(0), 3000, 10);
    expect(seen).toEqual([{ event: 'ping.done', traceId, module: 'audit' }]);

    // http server > bus client > bus server > producer > consumer, each the parent of the next.
    const spans = await spansOf(traceId, 5);
    const byName = (name: string, kind: string) => spans.find((s) => s.name === name && s.kind === kind)!;
    const http = byName('GET /hop', 'server');
    const client = byName('ping.ping', 'client');
    const server = byName('ping.ping', 'server');
    const producer = byName('publish ping.done', 'producer');
    const consumer = byName('process ping.done', 'consumer');
    expect(http.parentSpanId).toBe('00f067aa0ba902b7');
    expect(res.headers.traceparent).toBe(`00-${traceId}-${http.spanId}-01`);
    expect(client.parentSpanId).toBe(http.spanId);
    expect(server.parentSpanId).toBe(client.spanId);
    expect(producer.parentSpanId).toBe(server.spanId);
    expect(consumer.parentSpanId).toBe(producer.spanId);
    expect(client.attributes).toMatchObject({ 'cleave.bus.pattern': 'ping.ping', 'cleave.bus.target': 'ping', 'cleave.bus.transport': 'local', 'cleave.bus.outcome': 'ok' });
    expect(consumer.attributes).toMatchObject({ 'cleave.bus.target': 'audit', 'cleave.bus.transport': 'local', 'cleave.bus.outcome': 'ok' });
    expect(http.attributes).toMatchObject({ 'http.route': '/hop', 'http.response.status_code': 200 });

    // The handler's log line carries the trace, its span and the module.
    expect(lines.find((l) => l.msg === 'ping 1')).toMatchObject({ process: 'all', instance: 'all-1', context: 'Ping', module: 'ping', trace_id: traceId, span_id: server.spanId });
  });

  it('starts a new trace for an untrusted caller, linked to its traceparent, whatever sampling it asks for', async () => {
    trustProxies(false);
    const callerTrace = '5bf92f3577b34da6a3ce929d0e0e4736';
    const res = await request(app.getHttpServer()).get('/hop').set('traceparent', `00-${callerTrace}-00f067aa0ba902b7-00`).expect(200);
    const traceId = res.headers['x-trace-id'];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(callerTrace);
    expect(res.body).toEqual({ traceId, module: 'ping' });
    const http = (await spansOf(traceId, 3)).find((s) => s.name === 'GET /hop')!;
    expect(http.parentSpanId).toBeUndefined();
    expect(http.links).toEqual([{ traceId: callerTrace, spanId: '00f067aa0ba902b7' }]);
    await expect(store.trace(callerTrace)).resolves.toEqual([]);
  });

  it('starts a trace at the edge without a traceparent', async () => {
    const res = await request(app.getHttpServer()).get('/hop').expect(200);
    const traceId = res.headers['x-trace-id'];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(res.body.traceId).toBe(traceId);
    expect((await store.recent(5)).map((t) => t.traceId)).toContain(traceId);
    await eventually(async () => expect(seen.some((s) => s.traceId === traceId)).toBe(true), 3000, 10);
  });

  it('records a failed call with its outcome and error code', async () => {
    const res = await request(app.getHttpServer()).get('/hop/missing').expect(200);
    const spans = await spansOf(res.headers['x-trace-id'], 3);
    const client = spans.find((s) => s.name === 'ping.missing' && s.kind === 'client')!;
    const server = spans.find((s) => s.name === 'ping.missing' && s.kind === 'server')!;
    for (const span of [client, server]) {
      expect(span.attributes).toMatchObject({ 'cleave.bus.outcome': 'error', 'cleave.error.code': 'NOT_FOUND' });
      expect(span.status).toBe('unset'); // a 404 is an answer, not a failure of the system
    }
  });

  it('propagates the caller’s trace into a bus call made outside HTTP', async () => {
    const caller = app.get(Caller);
    const res = await caller.ping.ping({ n: 2 });
    expect(res.traceId).toMatch(/^[0-9a-f]{32}$/);
    const spans = await spansOf(res.traceId!, 2);
    expect(spans.find((s) => s.kind === 'client')?.parentSpanId).toBeUndefined();
    await eventually(async () => expect(seen.some((s) => s.traceId === res.traceId)).toBe(true), 3000, 10);
  });
});
