import request from 'supertest';
import { randomBytes } from 'node:crypto';
import { CleaveSystem } from '../support/system';
import { eventually } from '../support/eventually';
import { runPromtool } from '../support/promtool';
import { adminToken, createProduct, registerAndLogin } from './shop.flows';

interface ServiceView {
  process: string;
  instances: { instanceId: string; status: string; url: string }[];
}

interface Span {
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  links?: { traceId: string; spanId: string }[];
}

/** Health, registry, metrics and tracing, asserted identically in every topology. */
export function healthFlows(system: () => CleaveSystem): void {
  it('serves liveness and readiness on every process, in Terminus format', async () => {
    for (const process of system().processNames()) {
      for (const instance of system().instancesOf(process)) {
        await request(instance.url).get('/health/live').expect(200, { status: 'ok', info: { process: { status: 'up' } }, error: {}, details: { process: { status: 'up' } } });
        const ready = await eventually(async () => (await request(instance.url).get('/health/ready').expect(200)).body);
        expect(ready.status).toBe('ok');
        for (const module of Object.keys(ready.details).filter((k) => k.startsWith('db:'))) expect(ready.details[module].status).toBe('up');
      }
    }
  });

  it('serves /metrics on every process that promtool check metrics accepts without a warning', async () => {
    for (const process of system().processNames()) {
      for (const instance of system().instancesOf(process)) {
        const text = (await request(instance.url).get('/metrics').expect(200)).text;
        expect(text).toContain('cleave_http_request_duration_seconds');
        expect({ process, lint: runPromtool(['check', 'metrics'], { input: text }).trim() }).toEqual({ process, lint: '' });
      }
    }
  });

  it('lists every service with its ready instances, and calls the system healthy', async () => {
    const url = system().gatewayUrl;
    await request(url).get('/services').expect(401);
    const admin = await adminToken(url);
    const services = await eventually(async () => {
      const res = await request(url).get('/services').set('Authorization', `Bearer ${admin}`).expect(200);
      const list = res.body.services as ServiceView[];
      const notReady = list.filter((s) => !s.instances.some((i) => i.status === 'up'));
      if (notReady.length) throw new Error(`not ready yet: ${notReady.map((s) => s.process).join(', ')}`);
      return list;
    });
    expect(services.map((s) => s.process).sort()).toEqual(system().processNames().sort());
    for (const service of services) {
      const running = system().instancesOf(service.process).map((i) => i.instanceId);
      expect(service.instances.map((i) => i.instanceId).sort()).toEqual(running.sort());
    }
    const health = await request(url).get('/health').expect(200);
    expect(health.body.status).toBe('healthy');
  });

  it('exports Prometheus metrics: HTTP durations by route, bus calls, breakers', async () => {
    const url = system().gatewayUrl;
    await request(url).get('/products/00000000-0000-4000-8000-000000000000').expect(404);
    const text = (await request(url).get('/metrics').expect(200)).text;
    expect(text).toMatch(/cleave_http_request_duration_seconds_count\{method="GET",route="\/products\/:id",status="404"\} [1-9]/);
    expect(text).toMatch(/cleave_bus_call_duration_seconds_count\{caller="gateway",pattern="catalog.getProduct",transport="(local|redis)",outcome="error"\}/);
    expect(text).toMatch(/cleave_breaker_state\{target="catalog"\} 0/);
    expect(text).toMatch(/process_resident_memory_bytes/);
  });

  it('follows a checkout as one trace: HTTP, every bus hop and the event, each span parented within it', async () => {
    const url = system().gatewayUrl;
    const admin = await adminToken(url);
    const shopper = await registerAndLogin(url);
    const product = await createProduct(url, admin);
    // The caller's trace context (not sampled, as it says): without a trusted proxy it is only linked to.
    const callerTraceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');
    const res = await request(url)
      .post('/orders')
      .set('Authorization', `Bearer ${shopper.token}`)
      .set('traceparent', `00-${callerTraceId}-${callerSpanId}-00`)
      .send({ items: [{ productId: product.id, quantity: 1 }] })
      .expect(201);
    const traceId = res.headers['x-trace-id'];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(traceId).not.toBe(callerTraceId);
    expect(res.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    // Spans arrive in batches from every process: wait until each hop has reported, and each
    // span's parent (a consumer's batch may come before its producer's).
    const expected = ['server POST /orders', 'client orders.placeOrder', 'server orders.placeOrder', 'client catalog.reserveStock', 'server catalog.reserveStock', 'producer publish order.confirmed', 'consumer process order.confirmed'];
    const spans = await eventually(async () => {
      const list = ((await request(url).get(`/traces/${traceId}`).set('Authorization', `Bearer ${admin}`)).body.spans ?? []) as Span[];
      const names = list.map((s) => `${s.kind} ${s.name}`);
      const missing = expected.filter((name) => !names.includes(name));
      if (missing.length > 0) throw new Error(`trace incomplete, missing ${missing.join(', ')}`);
      const ids = new Set(list.map((s) => s.spanId));
      expect(list.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId)).map((s) => s.name)).toEqual(['POST /orders']);
      return list;
    });
    const root = spans.find((s) => s.name === 'POST /orders')!;
    expect(root.parentSpanId).toBeUndefined();
    expect(root.links).toEqual([{ traceId: callerTraceId, spanId: callerSpanId }]);
  });
}
