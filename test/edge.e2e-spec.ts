import request from 'supertest';
import { CleaveSystem } from './support/system';
import { mappedRoutes, OpenApiDocument, operations, resolve, SchemaObject, typeCheckAgainst, validationProblems } from './support/openapi';
import { accessFlows } from './flows/access.flows';
import { fuzzFlows } from './flows/fuzz.flows';

/** A customer's journey through a client typed from the document: wrong calls must not compile. */
const JOURNEY = `
import type { paths } from './api';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody: infer R } ? Json<R> : never;
type Answer<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends { responses: infer R } ? (S extends keyof R ? Json<R[S]> : never) : never;

declare function call<P extends keyof paths, M extends keyof paths[P], S extends number>(path: P, method: M, status: S, body?: Body<P, M>, token?: string): Promise<Answer<P, M, S>>;

export async function journey(): Promise<string> {
  await call('/auth/register', 'post', 201, { email: 'ann@example.com', password: 'ann-password', name: 'Ann' });
  const session = await call('/auth/login', 'post', 200, { email: 'ann@example.com', password: 'ann-password' });
  const token: string = session.accessToken;
  const page = await call('/products', 'get', 200);
  const productId: string = page.items[0].id;
  const price: number = page.items[0].priceCents;
  const cart = await call('/cart/items', 'post', 200, { productId, quantity: 2 }, token);
  const ready: boolean = cart.checkoutReady;
  const order = await call('/cart/checkout', 'post', 201, {}, token);
  const status: 'PENDING' | 'CONFIRMED' | 'PAID' | 'SHIPPED' | 'DELIVERED' | 'CANCELLED' = order.status;
  // @ts-expect-error a quantity is a number
  await call('/cart/items', 'post', 200, { productId, quantity: '2' }, token);
  // @ts-expect-error no such route
  await call('/cart/items/all', 'get', 200);
  return [token, price, ready, status].join();
}
`;

/**
 * What is wrong with an operation's success answers, empty when nothing: each needs a
 * description, and a body described by a schema with some shape (JSON), a media type that is
 * not JSON (text/plain, text/html, text/event-stream...), or no body at all (204).
 */
function successProblems(document: OpenApiDocument, responses: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const successes = Object.entries(responses).filter(([status]) => /^2\d\d$/.test(status));
  if (!successes.length) problems.push('no 2xx answer');
  for (const [status, answer] of successes) {
    const { description, content } = answer as { description?: string; content?: Record<string, { schema?: SchemaObject }> };
    if (!description) problems.push(`${status} has no description`);
    const media = Object.entries(content ?? {});
    if (status === '204') {
      if (media.length) problems.push('204 has a body');
      continue;
    }
    if (!media.length) problems.push(`${status} has no content`);
    for (const [type, { schema }] of media) {
      if (!type.includes('json')) continue;
      let shape = resolve(document, schema);
      if (shape?.type === 'array') shape = resolve(document, shape.items);
      const shapeless = !shape || (shape.type === 'object' && !shape.properties && !shape.additionalProperties);
      if (shapeless) problems.push(`${status} ${type} has no schema beyond ${JSON.stringify(schema)}`);
    }
  }
  return problems;
}

function edgeContract(topology: string, start: () => Promise<CleaveSystem>): void {
  describe(`the public edge, ${topology}`, () => {
    let system: CleaveSystem;
    let document: OpenApiDocument;

    beforeAll(async () => {
      system = await start();
      document = (await request(system.gatewayUrl).get('/docs/openapi.json').expect(200)).body;
    });

    afterAll(async () => {
      await system?.stop();
    });

    const gateway = () => system.instancesOf(system.processNames().find((p) => p === 'gateway' || p === 'monolith')!)[0];

    describe('OpenAPI', () => {
      it('serves the interactive page at /docs', async () => {
        const page = await request(system.gatewayUrl).get('/docs').expect(200);
        expect(page.text).toContain('swagger-ui');
      });

      it('documents every route the gateway registers, and no other', () => {
        const mapped = mappedRoutes(gateway().output);
        expect(mapped.length).toBeGreaterThan(40);
        expect(operations(document).map((o) => o.key).sort()).toEqual(mapped);
      });

      it('describes each route with its auth, its errors and, for a customer-facing one, its answer', () => {
        for (const { key, operation } of operations(document)) {
          expect({ key, rateLimited: '429' in operation.responses }).toEqual({ key, rateLimited: true });
          if ((operation.responses['401'] as object | undefined) !== undefined) expect({ key, security: operation.security }).toEqual({ key, security: expect.any(Array) });
        }
        expect(document.paths['/orders/{id}'].get.responses['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/OrderViewDto' } } } });
        expect(document.components.schemas.ErrorBodyDto.required).toEqual(expect.arrayContaining(['statusCode', 'error', 'message', 'traceId']));
      });

      it('describes every success answer: a described body, a non-JSON media type, or a 204', () => {
        const problems = operations(document).map(({ key, operation }) => ({ key, problems: successProblems(document, operation.responses) }));
        expect(problems.filter((p) => p.problems.length)).toEqual([]);
        expect(document.paths['/metrics'].get.responses['200']).toMatchObject({ content: { 'text/plain': expect.any(Object) } });
        expect(document.paths['/dashboard'].get.responses['200']).toMatchObject({ content: { 'text/html': expect.any(Object) } });
        expect(document.paths['/dashboard/stream'].get.responses['200']).toMatchObject({ content: { 'text/event-stream': expect.any(Object) } });
        expect(document.paths['/dead-letters/{event}/{id}'].get.responses['200']).toMatchObject({ content: { 'application/json': { schema: { $ref: '#/components/schemas/DeadLetterDto' } } } });
      });

      it('documents how opening a dashboard session fails: 401 without a valid token, 403 for a non-administrator', () => {
        const open = document.paths['/dashboard/session'].post;
        const error = { content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorBodyDto' } } } };
        expect(open.responses).toMatchObject({ '401': error, '403': error });
        expect(open.security).toEqual([{ bearer: [] }]);
        expect(open.requestBody).toBeUndefined();
      });

      it('passes a validator (@apidevtools/swagger-parser)', () => {
        expect(validationProblems(document)).toBe('');
      });

      it('types a client that compiles a customer journey, and refuses a wrong call', () => {
        expect(typeCheckAgainst(document, JOURNEY)).toBe('');
      }, 60_000);
    });

    describe('access matrix', () => accessFlows(() => system, () => document));

    describe('fuzzer', () => fuzzFlows(() => system, () => document, () => gateway().child.pid!));
  });
}

edgeContract('monolith', () => CleaveSystem.start('monolith', { env: { REDIS_URL: 'redis://127.0.0.1:1' } }));
edgeContract('split', () => CleaveSystem.start('split', { database: 'sqlite' }));
