import { readFileSync } from 'node:fs';
import http from 'node:http';
import fc from 'fast-check';
import request from 'supertest';
import { CleaveSystem } from '../support/system';
import { OpenApiDocument, OpenApiOperation, operations, resolve, SchemaObject } from '../support/openapi';
import { adminToken, createProduct, placeOrder, registerAndLogin, Shopper } from './shop.flows';

/** Hostile requests per run, spread evenly over the routes; eight in flight at a time. */
const REQUESTS = 10_000;
const CONCURRENCY = 8;
const REQUEST_TIMEOUT_MS = 10_000;
/** The gateway may grow while it is hammered, not without bound. */
const RSS_LIMIT_MB = 600;

/**
 * Streams answer 200 and stay open until the client leaves: fuzzing them would only hold
 * sockets. Their refusals (401/403, bad Last-Event-ID) are in the access matrix and flows.
 */
const STREAMING = new Set(['GET /notifications/stream', 'GET /dashboard/stream']);

interface HostileRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

const nasty = fc.constantFrom(
  '',
  ' ',
  '0',
  '-1',
  '1e309',
  'NaN',
  'null',
  'true',
  '__proto__',
  'constructor',
  '../../../../etc/passwd',
  '%00',
  '\u0000',
  "' OR 1=1 --",
  '<script>alert(1)</script>',
  '${jndi:ldap://x/a}',
  '\ud83d',
  '\udc00x',
  '😀',
  'ａｄｍｉｎ',
  'x'.repeat(5000),
  '9'.repeat(400),
  '00000000-0000-0000-0000-000000000000',
  'order.confirmed',
  '1767000000000-0',
);
const text = fc.oneof({ weight: 3, arbitrary: nasty }, fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }));
const scalar = fc.oneof(text, fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.constant(2 ** 53 + 1), fc.constant(-0));
const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, fc.array(tie('value'), { maxLength: 4 }), fc.dictionary(text, tie('value'), { maxKeys: 4 })),
})).value;

/** A value for a property of `schema`: often a valid one, often the wrong type or out of range. */
function valueFor(document: OpenApiDocument, schema: SchemaObject | undefined, ids: string[]): fc.Arbitrary<unknown> {
  const s = resolve(document, schema);
  const valid: fc.Arbitrary<unknown>[] = [];
  if (s?.enum?.length) valid.push(fc.constantFrom(...s.enum));
  if (s?.format === 'uuid') valid.push(fc.constantFrom(...ids), fc.uuid());
  if (s?.type === 'integer' || s?.type === 'number') valid.push(fc.integer({ min: (s.minimum ?? -10) - 2, max: Math.min(s.maximum ?? 2000, 100_000) + 2 }));
  if (s?.type === 'string') valid.push(fc.string({ minLength: Math.max(0, (s.minLength ?? 0) - 1), maxLength: Math.min(s.maxLength ?? 20, 400) + 2 }));
  if (s?.type === 'boolean') valid.push(fc.boolean());
  if (s?.type === 'array') valid.push(fc.array(valueFor(document, s.items, ids), { maxLength: 3 }));
  if (s?.type === 'object' || s?.properties) valid.push(bodyFor(document, s, ids));
  return valid.length ? fc.oneof({ weight: 2, arbitrary: fc.oneof(...valid) }, anyJson) : anyJson;
}

/** An object shaped like the schema (some properties missing, some wrong), with extra keys now and then. */
function bodyFor(document: OpenApiDocument, schema: SchemaObject | undefined, ids: string[]): fc.Arbitrary<unknown> {
  const s = resolve(document, schema);
  const properties = Object.entries(s?.properties ?? {});
  const shaped = fc.record(Object.fromEntries(properties.map(([name, property]) => [name, valueFor(document, property, ids)])), { requiredKeys: [] });
  const extra = fc.dictionary(fc.oneof(fc.constantFrom('__proto__', 'constructor', 'role', 'userId', 'isAdmin', 'priceCents'), text), anyJson, { maxKeys: 2 });
  return fc.oneof({ weight: 4, arbitrary: shaped }, fc.tuple(shaped, extra).map(([a, b]) => ({ ...(a as object), ...b })), anyJson);
}

/** Raw bodies no serializer would write. */
const rawBody = fc.oneof(
  fc.integer({ min: 33, max: 3000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 33, max: 3000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  fc.constantFrom('{', '{"email": ', 'nul', '"just a string"', '{"a":1}{"b":2}', '{"email":"x\\ud83dy@example.com","password":"long-enough-pw"}', '\uFEFF{}', '{"__proto__":{"isAdmin":true}}'),
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.constant(`{"name":"${'x'.repeat(120 * 1024)}"}`),
);

function pathFor(path: string, ids: string[]): fc.Arbitrary<string> {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
  const segment = fc.oneof(fc.constantFrom(...ids), text.map(encodeSegment), fc.constantFrom('%', '%ED%A0%80', '..%2F..%2F', '%2e%2e', '%FF', 'a%00b'));
  return fc.tuple(...names.map(() => segment)).map((values) => values.reduce((p, v, i) => p.replace(`{${names[i]}}`, v), path) as string);
}

/** Percent-encodes what it can; a lone surrogate cannot be, and goes as the UTF-8 of U+FFFD. */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return encodeURIComponent(value.replace(/[\ud800-\udfff]/g, '\ufffd'));
  }
}

function queryFor(document: OpenApiDocument, operation: OpenApiOperation, ids: string[]): fc.Arbitrary<string> {
  const params = (operation.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
  const names = fc.oneof(fc.constantFrom(...(params.length ? params : ['q']), 'limit', 'offset', '__proto__[x]', 'a[b][c]'), text);
  const values = fc.oneof(valueFor(document, undefined, ids).map((v) => (typeof v === 'string' ? v : JSON.stringify(v) ?? '')), text);
  return fc.array(fc.tuple(names, values), { maxLength: 4 }).map((pairs) => (pairs.length ? `?${pairs.map(([k, v]) => `${encodeSegment(k)}=${encodeSegment(String(v))}`).join('&')}` : ''));
}

function requestsFor(document: OpenApiDocument, method: string, path: string, operation: OpenApiOperation, ids: string[], tokens: string[]): fc.Arbitrary<HostileRequest> {
  const schema = operation.requestBody?.content['application/json']?.schema;
  const body = fc.oneof({ weight: 5, arbitrary: bodyFor(document, schema, ids).map((b) => JSON.stringify(b) ?? 'null') }, { weight: 2, arbitrary: rawBody }, fc.constant(undefined));
  const contentType = fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=utf-16', 'application/merge-patch+json', 'multipart/form-data; boundary=x', ''));
  const auth = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...tokens.map((t) => `Bearer ${t}`)) },
    fc.constantFrom('', 'Bearer', 'Bearer x.y.z', 'Basic YWRtaW46YWRtaW4=', `Bearer ${forgedToken()}`, 'Bearer '.repeat(50)),
  );
  return fc.record({ path: pathFor(path, ids), query: queryFor(document, operation, ids), body, contentType, auth, idempotencyKey: fc.option(text, { nil: undefined }) }).map((r) => {
    const headers: Record<string, string> = {};
    if (r.auth) headers.authorization = r.auth;
    if (r.body !== undefined && r.contentType) headers['content-type'] = r.contentType;
    if (r.idempotencyKey !== undefined) headers['idempotency-key'] = r.idempotencyKey.replace(/[^\x20-\x7e]/g, '?');
    return { method: method.toUpperCase(), path: `${r.path}${r.query}`, headers, body: method === 'get' && r.body !== undefined && r.auth === '' ? undefined : r.body };
  });
}

/** A token claiming to be an admin, signed with nothing (`alg: none`). */
function forgedToken(): string {
  const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: '00000000-0000-0000-0000-000000000000', role: 'admin', exp: 4102444800 })}.`;
}

function send(agent: http.Agent, base: URL, hostile: HostileRequest): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    // Framed explicitly: Node's client sends a GET's or DELETE's body unframed otherwise, and the
    // server would rightly read it as the next request.
    const headers = hostile.body === undefined ? hostile.headers : { ...hostile.headers, 'content-length': String(Buffer.byteLength(hostile.body)) };
    const req = http.request({ agent, host: base.hostname, port: base.port, method: hostile.method, path: hostile.path, headers, timeout: REQUEST_TIMEOUT_MS }, (res) => {
      res.resume();
      res.on('end', () => resolvePromise(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${REQUEST_TIMEOUT_MS} ms`)));
    req.on('error', reject);
    req.end(hostile.body);
  });
}

function rssMb(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  return Number(kb) / 1024;
}

/** What a victim can see of their own; the attacker must not have changed any of it. */
async function victimState(url: string, victim: Shopper): Promise<unknown> {
  const as = (path: string) => request(url).get(path).set('Authorization', `Bearer ${victim.token}`).expect(200).then((res) => res.body);
  const cart = (await as('/cart')) as { items: { inStock?: number; available?: boolean }[] };
  // The stock beside each line is the shop's, which the attacker's own orders move.
  const lines = cart.items.map(({ inStock: _stock, available: _available, ...line }) => line);
  return { me: await as('/users/me'), cart: { ...cart, items: lines }, orders: await as('/orders') };
}

/**
 * A property-based fuzzer driven by the OpenAPI document: for every route (but the
 * streams), requests built from its schema and then broken (wrong types, out of range,
 * unknown and prototype keys, hostile strings and path segments, deep or malformed or
 * oversized bodies, wrong content types, forged tokens), sent as a customer or nobody.
 * Never a 5xx, never a hang, every process alive, the gateway's memory bounded, and the
 * victim's data as it was.
 */
export function fuzzFlows(system: () => CleaveSystem, document: () => OpenApiDocument, gatewayPid: () => number): void {
  it(`answers ${REQUESTS} hostile requests across every route without a 5xx, a hang or a leak`, async () => {
    const url = system().gatewayUrl;
    const [attacker, victim, admin] = await Promise.all([registerAndLogin(url, 'fuzz-attacker'), registerAndLogin(url, 'fuzz-victim'), adminToken(url)]);
    const product = await createProduct(url, admin, { stock: 100_000 });
    await request(url).post('/cart/items').set('Authorization', `Bearer ${victim.token}`).send({ productId: product.id, quantity: 2 }).expect(200);
    const victimOrder = (await placeOrder(url, victim, product.id, 1).expect(201)).body.id as string;
    const attackerOrder = (await placeOrder(url, attacker, product.id, 1).expect(201)).body.id as string;
    const before = await victimState(url, victim);

    const ids = [product.id, victimOrder, attackerOrder, victim.id, attacker.id];
    const routes = operations(document()).filter((o) => !STREAMING.has(o.key));
    const seed = Number(process.env.CLEAVE_FUZZ_SEED ?? Date.now() % 2 ** 31);
    const perRoute = Math.ceil(REQUESTS / routes.length);
    const hostile = routes.flatMap((route, i) => fc.sample(requestsFor(document(), route.method, route.path, route.operation, ids, [attacker.token]), { numRuns: perRoute, seed: seed + i }));

    const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
    const base = new URL(url);
    const failures: string[] = [];
    const started = Date.now();
    let next = 0;
    try {
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (next < hostile.length && failures.length < 10) {
            const item = hostile[next++];
            try {
              const status = await send(agent, base, item);
              if (status >= 500 || status < 100) failures.push(`${status} for ${item.method} ${item.path.slice(0, 200)} ${JSON.stringify(item.headers)} ${(item.body ?? '').slice(0, 200)}`);
            } catch (error) {
              failures.push(`${(error as Error).message} for ${item.method} ${item.path.slice(0, 200)} (url ${item.path.length} chars, headers ${JSON.stringify(item.headers).length}, ${JSON.stringify(item.headers['content-type'])}, body ${item.body?.length})`);
            }
          }
        }),
      );
    } finally {
      agent.destroy();
    }
    const seconds = (Date.now() - started) / 1000;
    console.log(`fuzz (seed ${seed}): ${hostile.length} requests over ${routes.length} routes in ${seconds.toFixed(1)} s; gateway RSS ${rssMb(gatewayPid()).toFixed(0)} MB`);

    expect({ seed, failures }).toEqual({ seed, failures: [] });
    expect(hostile.length).toBeGreaterThanOrEqual(REQUESTS);
    for (const name of system().processNames()) for (const instance of system().instancesOf(name)) expect({ name, exitCode: instance.child.exitCode }).toEqual({ name, exitCode: null });
    expect(rssMb(gatewayPid())).toBeLessThan(RSS_LIMIT_MB);
    expect(await victimState(url, victim)).toEqual(before);
  });
}
