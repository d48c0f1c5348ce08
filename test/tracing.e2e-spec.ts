import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { CleaveSystem } from './support/system';
import { eventually } from './support/eventually';
import { adminToken, createProduct, registerAndLogin } from './flows/shop.flows';

/** A span as GET /traces/:traceId returns it (see libs/platform/tracing/span-store.ts). */
interface Span {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: string;
  process: string;
  attributes: Record<string, unknown>;
}

function one(spans: Span[], where: Partial<Span>, attributes: Record<string, unknown> = {}): Span {
  const found = spans.filter(
    (s) => Object.entries(where).every(([k, v]) => s[k as keyof Span] === v) && Object.entries(attributes).every(([k, v]) => s.attributes[k] === v),
  );
  if (found.length !== 1) throw new Error(`expected one span like ${JSON.stringify({ ...where, attributes })}, found ${found.length}`);
  return found[0];
}

/** A log line as JSON; undefined for plain text (or a line cut in two by the pipe). */
function jsonLine(line: string): Record<string, unknown> | undefined {
  try {
    return line.startsWith('{') ? (JSON.parse(line) as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// Tracing over the split topology: every process writes its spans to Redis, the gateway reads
// the whole trace back at GET /traces/:traceId.
describe('tracing: one request followed across processes (split)', () => {
  let system: CleaveSystem;
  let url: string;
  let admin: string;

  beforeAll(async () => {
    // The test client is on loopback: here it stands for a trusted proxy, whose traceparent is continued.
    system = await CleaveSystem.start('split', { env: { LOG_LEVEL: 'debug', CLEAVE_TRUSTED_PROXIES: 'loopback' } });
    url = system.gatewayUrl;
    admin = await adminToken(url);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('continues a trusted proxy’s traceparent through gateway, orders, catalog and notifications as one trace', async () => {
    const shopper = await registerAndLogin(url);
    const product = await createProduct(url, admin, { stock: 5 });
    const traceId = randomBytes(16).toString('hex');
    const callerSpanId = randomBytes(8).toString('hex');

    const res = await request(url)
      .post('/orders')
      .set('Authorization', `Bearer ${shopper.token}`)
      .set('traceparent', `00-${traceId}-${callerSpanId}-01`)
      .send({ items: [{ productId: product.id, quantity: 1 }] })
      .expect(201);
    expect(res.headers['x-trace-id']).toBe(traceId);
    expect(res.headers.traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));

    // Spans arrive in batches from five processes; the event's handler runs last.
    const spans = await eventually(async () => {
      const found = await request(url).get(`/traces/${traceId}`).set('Authorization', `Bearer ${admin}`);
      const list = (found.body.spans ?? []) as Span[];
      // Every span asserted below; each process exports in batches of its own.
      const wanted = [
        'gateway server POST /orders', 'gateway client orders.placeOrder', 'orders server orders.placeOrder',
        'orders client catalog.getProducts', 'orders client catalog.reserveStock', 'catalog server catalog.getProducts', 'catalog server catalog.reserveStock',
        'orders producer publish order.confirmed', 'notifications consumer process order.confirmed', 'payments server payments.charge',
      ];
      const have = new Set(list.map((s) => `${s.process} ${s.kind} ${s.name}`));
      const missing = wanted.filter((w) => !have.has(w));
      const queries = list.some((s) => s.process === 'orders' && s.attributes['db.operation.name'] === 'INSERT') && list.some((s) => s.process === 'catalog' && s.attributes['db.operation.name'] === 'UPDATE');
      if (missing.length > 0 || !queries) throw new Error(`trace incomplete (${found.status}), missing ${missing.join(', ') || 'query spans'}`);
      return list;
    });

    expect(new Set(spans.map((s) => s.process))).toEqual(new Set(['gateway', 'orders', 'catalog', 'payments', 'notifications']));
    expect(spans.every((s) => s.traceId === traceId)).toBe(true);

    // One root, the gateway's HTTP span, child of the caller's span; every other parent is in the trace.
    const ids = new Set(spans.map((s) => s.spanId));
    const roots = spans.filter((s) => !s.parentSpanId || !ids.has(s.parentSpanId));
    expect(roots).toHaveLength(1);
    expect(roots[0]).toMatchObject({ process: 'gateway', kind: 'server', name: 'POST /orders', parentSpanId: callerSpanId });
    expect(res.headers.traceparent).toBe(`00-${traceId}-${roots[0].spanId}-01`);

    // Each bus hop: the handler's span is the child of the calling process's client span.
    const placeClient = one(spans, { process: 'gateway', kind: 'client', name: 'orders.placeOrder' });
    expect(placeClient.parentSpanId).toBe(roots[0].spanId);
    expect(placeClient.attributes).toMatchObject({ 'cleave.bus.target': 'orders', 'cleave.bus.transport': 'redis', 'cleave.bus.outcome': 'ok' });
    const placeServer = one(spans, { process: 'orders', kind: 'server', name: 'orders.placeOrder' });
    expect(placeServer.parentSpanId).toBe(placeClient.spanId);
    expect(placeServer.attributes).toMatchObject({ 'cleave.bus.target': 'orders', 'cleave.bus.transport': 'redis', 'cleave.bus.outcome': 'ok' });

    for (const pattern of ['catalog.getProducts', 'catalog.reserveStock']) {
      const client = one(spans, { process: 'orders', kind: 'client', name: pattern });
      expect(client.parentSpanId).toBe(placeServer.spanId);
      const server = one(spans, { process: 'catalog', kind: 'server', name: pattern });
      expect(server.parentSpanId).toBe(client.spanId);
      expect(server.attributes).toMatchObject({ 'cleave.bus.pattern': pattern, 'cleave.bus.target': 'catalog', 'cleave.bus.outcome': 'ok' });
    }

    // The event: produced by the orders handler, consumed by notifications.
    const publish = one(spans, { process: 'orders', kind: 'producer', name: 'publish order.confirmed' });
    expect(publish.parentSpanId).toBe(placeServer.spanId);
    const consume = one(spans, { process: 'notifications', kind: 'consumer', name: 'process order.confirmed' });
    expect(consume.parentSpanId).toBe(publish.spanId);
    expect(consume.attributes).toMatchObject({ 'cleave.bus.target': 'notifications', 'cleave.bus.transport': 'redis' });

    // Database work under the handler that did it.
    const insert = spans.find((s) => s.process === 'orders' && s.attributes['db.operation.name'] === 'INSERT');
    expect(insert).toMatchObject({ kind: 'client', parentSpanId: placeServer.spanId, attributes: expect.objectContaining({ 'db.system.name': 'postgresql', 'db.namespace': 'orders' }) });
    expect(spans.some((s) => s.process === 'catalog' && s.parentSpanId === one(spans, { process: 'catalog', name: 'catalog.reserveStock' }).spanId && s.attributes['db.operation.name'] === 'UPDATE')).toBe(true);

    // The gateway's JSON log line for the request carries the trace.
    const gateway = system.instancesOf('gateway')[0];
    const line = await eventually(async () => {
      const found = gateway.output.map(jsonLine).find((l) => l?.trace_id === traceId && l.context === 'Http');
      if (!found) throw new Error('no access log line for the trace yet');
      return found;
    });
    expect(line).toMatchObject({ level: 'debug', process: 'gateway', module: 'gateway', span_id: roots[0].spanId, msg: expect.stringMatching(/^POST \/orders 201 /) });
  });

  it('starts a trace at the gateway when the request has none, and lists it in GET /traces', async () => {
    const res = await request(url).get('/products?limit=5&offset=0').expect(200);
    const traceId = res.headers['x-trace-id'];
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);

    const listed = await eventually(async () => {
      const recent = await request(url).get('/traces?limit=20').set('Authorization', `Bearer ${admin}`).expect(200);
      const summary = (recent.body.traces as { traceId: string; name: string; processes: string[]; spanCount: number }[]).find((t) => t.traceId === traceId);
      // Each process flushes its own spans: wait for both, not just the first to arrive.
      if (!summary || !summary.processes.includes('catalog') || !summary.processes.includes('gateway')) throw new Error('not listed yet');
      return summary;
    });
    expect(listed).toMatchObject({ name: 'GET /products', processes: ['catalog', 'gateway'] });
    expect(listed.spanCount).toBeGreaterThanOrEqual(3);
  });

  it('shows traces to administrators only and answers 404 for an unknown trace', async () => {
    await request(url).get('/traces').expect(401);
    const shopper = await registerAndLogin(url);
    await request(url).get('/traces').set('Authorization', `Bearer ${shopper.token}`).expect(403);
    await request(url).get(`/traces/${'0'.repeat(31)}1`).set('Authorization', `Bearer ${admin}`).expect(404);
    await request(url).get('/traces/not-a-trace-id').set('Authorization', `Bearer ${admin}`).expect(400);
    await request(url).get('/traces?limit=0').set('Authorization', `Bearer ${admin}`).expect(400);
  });

  it('keeps the trace store in Redis under the bus prefix, bounded by a TTL', async () => {
    const res = await request(url).get('/products?limit=1&offset=0').expect(200);
    const key = system.key(`trace:${res.headers['x-trace-id']}`);
    await eventually(async () => {
      if ((await system.redis().llen(key)) === 0) throw new Error('not written yet');
    });
    const ttl = await system.redis().ttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(3600);
    expect(await system.redis().zscore(system.key('traces'), res.headers['x-trace-id'])).not.toBeNull();
  });
});
